"""Bar charts as PNG images for the .docx bulletin (docs/decisions/0005-bulletin-charts.md).

matplotlib's Agg canvas is used directly (no pyplot, so no global figure state between requests). Chinese labels need
a CJK font: the first installed one of `CJK_FONTS` (Debian's fonts-noto-cjk gives Noto Sans CJK SC), or the file
named by the CHANYE_CHART_FONT environment variable. Without any, the chart is still drawn, with the ASCII labels
each caller passes alongside the Chinese ones (region codes, colour names) — never with missing-glyph boxes.
"""

from __future__ import annotations

import functools
import io
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Serif CJK SC",
    "AR PL UMing CN",
    "Droid Sans Fallback",
)


def _matplotlib() -> Any:
    """Import matplotlib with a writable cache directory (a service account may have no home)."""
    if "MPLCONFIGDIR" not in os.environ:
        from django.conf import settings

        cache = Path(getattr(settings, "DATA_DIR", Path.cwd())) / "cache" / "matplotlib"
        try:
            cache.mkdir(parents=True, exist_ok=True)
            os.environ["MPLCONFIGDIR"] = str(cache)
        except OSError:
            pass
    import matplotlib

    return matplotlib


@functools.cache
def cjk_font() -> str | None:
    """The family name of an installed font with Chinese glyphs, or None."""
    _matplotlib()
    from matplotlib import font_manager

    extra = os.environ.get("CHANYE_CHART_FONT", "")
    if extra and Path(extra).is_file():
        try:
            font_manager.fontManager.addfont(extra)
            return str(font_manager.FontProperties(fname=extra).get_name())
        except (OSError, RuntimeError, ValueError):
            pass
    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in names:
            return name
    return next((n for n in sorted(names) if "CJK" in n or "Hei" in n or "Han Sans" in n), None)


@dataclass(frozen=True)
class Text:
    """A label in Chinese and its ASCII stand-in for a machine without a CJK font."""

    zh: str
    ascii: str

    def pick(self, cjk: bool) -> str:
        return self.zh if cjk else self.ascii


@dataclass(frozen=True)
class Series:
    name: Text
    values: Sequence[float | int | None]
    colour: str | None = None


def bar_chart(
    *,
    title: Text,
    categories: Sequence[Text],
    series: Sequence[Series],
    stacked: bool = False,
    unit: Text | None = None,
    cjk: bool | None = None,
    width_in: float = 7.0,
    height_in: float = 3.4,
) -> bytes:
    """A (stacked or grouped) column chart as PNG bytes. `cjk=None` decides by the installed fonts."""
    _matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    font = cjk_font() if cjk in (None, True) else None
    use_cjk = font is not None
    fp = FontProperties(family=[font, "DejaVu Sans"] if font else ["DejaVu Sans"], size=9)
    fig = Figure(figsize=(width_in, height_in), dpi=150)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    xs = list(range(len(categories)))
    n = max(1, len(series))
    bottoms = [0.0] * len(categories)
    bar_w = 0.6 if stacked else 0.8 / n
    for i, s in enumerate(series):
        vals = [float(v) if v is not None else 0.0 for v in s.values]
        if stacked:
            ax.bar(xs, vals, bar_w, bottom=bottoms, label=s.name.pick(use_cjk), color=s.colour)
            bottoms = [b + v for b, v in zip(bottoms, vals, strict=True)]
        else:
            offset = (i - (n - 1) / 2) * bar_w
            ax.bar([x + offset for x in xs], vals, bar_w, label=s.name.pick(use_cjk), color=s.colour)
    ax.set_xticks(xs)
    ax.set_xticklabels([c.pick(use_cjk) for c in categories], fontproperties=fp, rotation=0 if len(xs) <= 8 else 30)
    for lbl in ax.get_yticklabels():
        lbl.set_fontproperties(fp)
    ax.yaxis.get_major_locator().set_params(integer=True)
    if unit is not None:
        ax.set_ylabel(unit.pick(use_cjk), fontproperties=fp, rotation=0, ha="right", va="bottom")
        ax.yaxis.set_label_coords(0.0, 1.01)
    ax.set_title(title.pick(use_cjk), fontproperties=FontProperties(family=fp.get_family(), size=11))
    ax.spines[["top", "right"]].set_visible(False)
    if len(series) > 1 or stacked:
        ax.legend(prop=fp, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if not categories:
        ax.text(
            0.5,
            0.5,
            Text("暂无数据", "no data").pick(use_cjk),
            ha="center",
            va="center",
            fontproperties=fp,
            transform=ax.transAxes,
        )
    fig.tight_layout()
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a glyph some font lacks must not fail a report
        fig.savefig(buf, format="png")
    return buf.getvalue()
