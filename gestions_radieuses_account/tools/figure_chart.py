"""The 12-month bar chart of the figures page, drawn on the server as inline SVG:
no chart library for a phone to download, and the numbers stay in the page for
screen readers. Pure geometry; the template draws it."""

# The drawing's own units: the SVG scales to the screen's width.
WIDTH = 360
HEIGHT = 180
# Room for the month names under the bars and a little above the highest one.
BOTTOM = 20
TOP = 6
# Part of a month's slot the bars take (the rest is the gap between months).
FILL = 0.75


def bar_chart(labels, series):
    """Bars of ``series`` (``[(css class, [value per label])]``), grouped by label.

    Returns ``{"width", "height", "baseline", "bars": [{"x", "y", "width",
    "height", "css", "value"}], "labels": [{"x", "text"}]}``; the baseline is
    the zero line, negative values (a credit note larger than the month's
    invoices) go below it."""
    values = [value for _css, serie in series for value in serie]
    high = max([0.0, *values])
    low = min([0.0, *values])
    span = (high - low) or 1.0
    plot = HEIGHT - BOTTOM - TOP
    baseline = TOP + plot * high / span
    slot = WIDTH / max(len(labels), 1)
    bar_width = slot * FILL / max(len(series), 1)
    bars = []
    for index in range(len(labels)):
        for rank, (css, serie) in enumerate(series):
            value = serie[index]
            size = plot * abs(value) / span
            bars.append(
                {
                    "x": round(
                        index * slot + slot * (1 - FILL) / 2 + rank * bar_width, 2
                    ),
                    "y": round(baseline - size if value > 0 else baseline, 2),
                    "width": round(bar_width, 2),
                    # A zero month still shows a hairline: "nothing", not "missing".
                    "height": round(max(size, 0.5), 2),
                    "css": css,
                    "value": value,
                }
            )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": round(baseline, 2),
        "bars": bars,
        "labels": [
            {"x": round(index * slot + slot / 2, 2), "text": text}
            for index, text in enumerate(labels)
        ],
    }
