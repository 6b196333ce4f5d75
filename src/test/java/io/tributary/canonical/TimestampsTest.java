package io.tributary.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimestampsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "2022-06-08T15:53:37Z            | 2022-06-08T15:53:37Z",
            "2025-01-10T14:00:00+02:00       | 2025-01-10T12:00:00Z",
            "2025-01-10T14:00:00.250-0130    | 2025-01-10T15:30:00.250Z",
            "2025-01-10T12:00:00             | 2025-01-10T12:00:00Z",
            "2025-01-10 12:00:00             | 2025-01-10T12:00:00Z",
            "2026-04-23T20:00:12.0234567     | 2026-04-23T20:00:12.023Z",
            "2025-01-10                      | 2025-01-10T00:00:00Z",
            "4/23/2026 3:04:05 PM            | 2026-04-23T15:04:05Z",
            "1654703617                      | 2022-06-08T15:53:37Z",
            "1654703617123                   | 2022-06-08T15:53:37.123Z",
    })
    void providerTimesBecomeUtc(String given, String expected) {
        Instant parsed = Timestamps.parse(JsonNodeFactory.instance.textNode(given));
        assertThat(Timestamps.format(parsed)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"1654703617, 2022-06-08T15:53:37Z", "1654703617000, 2022-06-08T15:53:37Z"})
    void numbersAreEpochSecondsOrMillis(long given, String expected) {
        assertThat(Timestamps.format(Timestamps.parse(JsonNodeFactory.instance.numberNode(given)))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"'[date/time when email bounced]'", "yesterday", "''", "0"})
    void whatNamesNoTimeGivesNone(String given) {
        assertThat(Timestamps.parse(JsonNodeFactory.instance.textNode(given))).isNull();
    }
}
