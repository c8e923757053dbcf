"""Reading page numbers from query strings without trusting them."""

MAX_PAGE = 100_000


def page_number(args) -> int:
    raw = args.get("page", "1")
    if not raw.isdigit():
        return 1
    return min(max(int(raw), 1), MAX_PAGE)
