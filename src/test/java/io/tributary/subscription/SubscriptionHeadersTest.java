package io.tributary.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A header name is an RFC 9110 token of 1 to 100 characters, whichever character it holds. */
class SubscriptionHeadersTest {

    /** The token rule as RFC 9110 §5.6.2 writes it. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");

    @Test
    void aNameIsATokenForEveryCharacterAsTheGrammarSays() {
        for (char c = 0; c < 0x3000; c++) {
            String name = "X" + c + "y";
            assertThat(SubscriptionHeaders.isName(name)).as("U+%04X", (int) c).isEqualTo(TOKEN.matcher(name).matches());
            assertThat(SubscriptionHeaders.isName(String.valueOf(c))).as("U+%04X alone", (int) c)
                    .isEqualTo(TOKEN.matcher(String.valueOf(c)).matches());
        }
    }

    @Test
    void aNameHasOneToAHundredCharacters() {
        assertThat(SubscriptionHeaders.isName(null)).isFalse();
        assertThat(SubscriptionHeaders.isName("")).isFalse();
        assertThat(SubscriptionHeaders.isName("x".repeat(100))).isTrue();
        assertThat(SubscriptionHeaders.isName("x".repeat(101))).isFalse();
        assertThat(SubscriptionHeaders.problem("x".repeat(101), "v")).contains("is not a header name");
        assertThat(SubscriptionHeaders.problem("X-Team", "growth")).isNull();
    }
}
