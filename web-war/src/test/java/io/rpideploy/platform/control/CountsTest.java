package io.rpideploy.platform.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CountsTest {

    @ParameterizedTest
    @CsvSource({"0,board,0 boards", "1,board,1 board", "2,board,2 boards", "1,kart number,1 kart number",
            "5,kart number,5 kart numbers", "1,entry,1 entry", "3,entry,3 entries", "2,day,2 days", "2,box,2 boxes",
            "4,batch,4 batches", "2,status,2 statuses"})
    void aCountTakesTheSingularForOneAndTheRegularPluralOtherwise(long count, String noun, String expected) {
        assertEquals(expected, Counts.of(count, noun));
    }

    @ParameterizedTest
    @CsvSource({"1,board,board", "5,board,boards", "0,board,boards"})
    void theNounAloneFollowsTheCount(long count, String noun, String expected) {
        assertEquals(expected, Counts.noun(count, noun));
    }
}
