"""The solution facets every way of counting shares: their columns, and the choices made."""

# Facets holding one value per solution, by name, with their column in the search table
# (and in Solution). The area facet is the other one: a bit per area in `area_mask`.
SCALAR_FACETS = {
    "country": "provider_country",
    "maturity": "maturity",
    "provider_kind": "provider_kind",
    "cost": "cost_band",
}


def chosen_facet_values(data: dict) -> dict[str, list[str]]:
    """The facet choices of valid filters as text, per facet with a choice; areas by bit."""
    chosen = {name: [str(value) for value in data.get(name) or []] for name in SCALAR_FACETS}
    chosen["area"] = [str(area.bit) for area in data.get("area") or []]
    return {name: values for name, values in chosen.items() if values}


def bits_of(mask: int):
    """The numbers of the bits set in `mask`, lowest first: an area mask's area bits."""
    bit = 0
    while mask:
        if mask & 1:
            yield bit
        mask >>= 1
        bit += 1
