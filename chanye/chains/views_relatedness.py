"""The 产业关联 page: the counties' relatedness (analytics.relatedness over the registry's figures and the imported
benchmark regions) and the chain links each county is closest to hosting (chains.selectors_relatedness). It lives in
chains because it reads chain maps; analytics below knows nothing of chains (DESIGN.md "Layers")."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from chanye.accounts.http import AuthedRequest
from chanye.core import access


@login_required
def relatedness(request: AuthedRequest) -> HttpResponse:
    """Where each county could diversify (issue 6 §6): its advantages (RCA ≥ 1), the manufacturing divisions and the
    chain links (产业链环节) it is closest to hosting, ranked by relatedness density, each explained in words; counties
    ranked by complexity. Imported benchmark regions (对标地区) join the matrix, so that advantages are measured against
    a wider economy than the city's counties alone."""
    from django.http import Http404

    from chanye.analytics.benchmarks.matrix import relatedness_matrix
    from chanye.analytics.relatedness import compute, opportunities  # numpy: loaded for this page only
    from chanye.chains.selectors_relatedness import county_link_opportunities

    access.require_reader(request.user, what="产业关联页面")
    m = relatedness_matrix()
    counties, divisions, x = m.counties, m.divisions, m.x
    ctx: dict = {
        "counties": counties,
        "ready": len(m.regions) >= 2 and len(divisions) >= 2 and m.county_output > 0,
        "benchmarks": m.benchmarks,
        "benchmark_year": m.benchmark_year,
    }
    if ctx["ready"]:
        labels = [f"{code} {name}" for code, name in divisions]
        c = compute(m.regions, labels, x)
        if access.is_officer(request.user):
            unit = next((u for u in counties if u.pk == request.user.region_id), None)
        else:
            unit = next((u for u in counties if u.code == request.GET.get("county")), counties[0])
        if unit is None:
            raise Http404
        r = counties.index(unit)
        ctx.update(
            {
                "unit": unit,
                "advantages": sorted(
                    ((labels[j], float(c.rca[r, j])) for j in range(len(labels)) if c.mcp[r, j]),
                    key=lambda t: -t[1],
                ),
                "opportunities": [
                    {"o": o, "text": o.explain(unit.name)} for o in opportunities(c, unit.name, k=5, top=10)
                ],
                "link_opportunities": [
                    {"o": o, "text": o.explain(unit.name)}
                    for o in county_link_opportunities(
                        c, county=unit, divisions=[d for d, _ in divisions], user=request.user, k=5, top=15
                    )
                ],
                "eci": sorted(
                    ((u.name, float(c.eci[i]), int(c.diversity[i])) for i, u in enumerate(counties)),
                    key=lambda t: -(t[1] if t[1] == t[1] else -1e9),
                ),
                "divisions": len(divisions),
                "can_pick": not access.is_officer(request.user),
            }
        )
    return render(request, "analytics/relatedness.html", ctx)
