from supplier_dd.domain.audit_diff import FieldChange, field_changes
from supplier_dd.domain.secret_links import hide_link_tokens


def test_fields_are_compared_one_by_one_with_nested_objects_followed():
    changes = field_changes(
        {"name": "Acme", "address": {"postcode": "AB1"}, "active": True, "gone": 1},
        {"name": "Acme Ltd", "address": {"postcode": "AB1"}, "active": False, "tags": ["a"]},
    )
    assert changes == [
        FieldChange("active", "true", "false"),
        FieldChange("address.postcode", "AB1", "AB1"),
        FieldChange("gone", "1", None),
        FieldChange("name", "Acme", "Acme Ltd"),
        FieldChange("tags", None, '["a"]'),
    ]
    assert [c.field for c in changes if c.changed] == ["active", "gone", "name", "tags"]


def test_an_entry_without_before_or_after_has_no_changes():
    assert field_changes(None, None) == []
    assert field_changes(None, {"role": "legal"}) == [FieldChange("role", None, "legal")]


def test_tokens_in_links_are_hidden_and_the_rest_kept():
    token = "Xq3v9JpLm2RtY7wZa1bC4dE5fG6hI8jK0lMnOpQrStU"
    text = f"Use http://x.example/invitation/{token}\nor <a href=\"/reset/{token}\">this</a>"
    assert hide_link_tokens(text) == (
        "Use http://x.example/invitation/(hidden)\nor <a href=\"/reset/(hidden)\">this</a>")
    assert hide_link_tokens("/officer/suppliers/12/declarations") == (
        "/officer/suppliers/12/declarations")
