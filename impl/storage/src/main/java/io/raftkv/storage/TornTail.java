package io.raftkv.storage;

/**
 * What recovery cut from the end of the newest segment: a record a crash left half-written, and
 * anything after it. Such a record was never synced, so nothing acknowledged was in it.
 *
 * @param file         the segment's file name
 * @param offset       where the cut was made (0: the file was removed, its header was torn)
 * @param droppedBytes how many bytes were cut
 * @param reason       what was wrong at {@code offset}
 */
public record TornTail(String file, long offset, long droppedBytes, String reason) {

    /** One line for the node's log. */
    public String describe() {
        return offset == 0
                ? "removed write-ahead log segment " + file + " (" + droppedBytes + " bytes): its header was torn ("
                        + reason + ")"
                : "truncated torn tail of write-ahead log segment " + file + " at offset " + offset + " (dropped "
                        + droppedBytes + " bytes: " + reason + ")";
    }
}
