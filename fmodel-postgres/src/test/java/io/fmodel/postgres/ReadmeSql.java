package io.fmodel.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** Runs a script of several statements, as psql would, and returns the rows of every result. */
final class ReadmeSql {

    private ReadmeSql() {}

    static List<List<Map<String, Object>>> run(DataSource dataSource, String script) throws SQLException {
        List<List<Map<String, Object>>> results = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            boolean isResultSet = statement.execute(script);
            while (true) {
                if (isResultSet) {
                    try (ResultSet rs = statement.getResultSet()) {
                        List<Map<String, Object>> rows = new ArrayList<>();
                        while (rs.next()) {
                            Map<String, Object> row = new LinkedHashMap<>();
                            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                                row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                            }
                            rows.add(row);
                        }
                        results.add(rows);
                    }
                } else if (statement.getUpdateCount() == -1) {
                    return results;
                }
                isResultSet = statement.getMoreResults();
            }
        }
    }
}
