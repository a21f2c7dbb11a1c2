"""The framework's floor for ``make bench``: the least a Django view can do to answer a
signed-in request with rows of the proposals table as JSON.

Each benchmarked page is reported as a ratio to this view returning the same number of rows,
through the same middleware (session, authentication, security headers) in the same gunicorn
process. It is mounted only when ``NORTHSTAR_BENCH_FLOOR`` is set (bench/bench.py sets it) and
answers only signed-in administrators, so turning it on by mistake shows nothing new.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse

from accounts.choices import Role
from grants.models import Proposal

MAX_ROWS = 5000


@login_required
def floor(request):
    if not request.user.has_role(Role.ADMINISTRATOR):
        raise Http404("No such page.")
    try:
        rows = max(0, min(MAX_ROWS, int(request.GET.get("rows", "25"))))
    except ValueError:
        rows = 25
    values = list(
        Proposal.objects.order_by("pk").values("id", "title", "status", "submitted_at")[:rows]
    )
    return JsonResponse({"count": len(values), "results": values})
