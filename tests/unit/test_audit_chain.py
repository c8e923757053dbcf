from supplier_dd.domain.audit_chain import GENESIS_HASH, ChainedEntry, entry_hash, verify_chain


def chain(contents):
    entries, previous = [], GENESIS_HASH
    for number, content in enumerate(contents, start=1):
        digest = entry_hash(number, content, previous)
        entries.append(ChainedEntry(number, content, previous, digest))
        previous = digest
    return entries


def test_a_whole_chain_verifies():
    assert verify_chain(chain([{"a": 1}, {"b": 2}, {"c": 3}])) is None


def test_a_changed_entry_breaks_the_chain_at_that_entry():
    entries = chain([{"a": 1}, {"b": 2}, {"c": 3}])
    entries[1] = ChainedEntry(2, {"b": 999}, entries[1].previous_hash, entries[1].entry_hash)
    assert verify_chain(entries).sequence == 2


def test_a_rehashed_entry_still_breaks_the_next_link():
    entries = chain([{"a": 1}, {"b": 2}, {"c": 3}])
    forged = entry_hash(2, {"b": 999}, entries[1].previous_hash)
    entries[1] = ChainedEntry(2, {"b": 999}, entries[1].previous_hash, forged)
    broken = verify_chain(entries)
    assert broken.sequence == 3 and "link" in broken.reason


def test_a_missing_entry_is_reported():
    entries = chain([{"a": 1}, {"b": 2}, {"c": 3}])
    assert verify_chain([entries[0], entries[2]]).sequence == 3
