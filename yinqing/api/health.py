"""/api/health: liveness, and the trivial endpoint benchmarks use as their baseline."""

from apiflask import APIBlueprint

bp = APIBlueprint("health", __name__, url_prefix="/api", tag="health")


@bp.get("/health")
@bp.doc(summary="Liveness check")
def health():
    return {"status": "ok"}
