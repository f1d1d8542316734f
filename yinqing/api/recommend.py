"""/api/recommend: GRU, UserCF and ItemCF recommendations, 不感兴趣, similar songs, onboarding."""

from __future__ import annotations

from apiflask import APIBlueprint, Schema, fields
from apiflask.validators import Length, OneOf, Range

from yinqing.api.auth_deps import auth, require_admin
from yinqing.api.deps import db_session, settings
from yinqing.api.songs import checked_id, viewer_id
from yinqing.models.types import MAX_ID
from yinqing.services import jobs as job_records
from yinqing.services import model_quality, recommend

bp = APIBlueprint("recommend", __name__, url_prefix="/api", tag="recommend")

ROW_TITLES = {"gru": "RNN 推荐（接着你最近听的）", "usercf": "UserCF：口味相似的人也喜欢",
              "itemcf": "ItemCF：和你喜欢的歌相似"}


class RecommendQuery(Schema):
    algorithm = fields.String(load_default="gru", validate=OneOf(recommend.ALGORITHMS))
    k = fields.Integer(load_default=10, validate=Range(1, recommend.MAX_K))


class RowsQuery(Schema):
    k = fields.Integer(load_default=4, validate=Range(1, recommend.MAX_K))


class SimilarQuery(Schema):
    k = fields.Integer(load_default=10, validate=Range(1, recommend.MAX_K))


class SongIdIn(Schema):
    song_id = fields.Integer(required=True, strict=True, validate=Range(1, MAX_ID))


class OnboardingIn(Schema):
    song_ids = fields.List(fields.Integer(strict=True, validate=Range(1, MAX_ID)), load_default=list,
                           validate=Length(0, 50))
    artist_ids = fields.List(fields.Integer(strict=True, validate=Range(1, MAX_ID)), load_default=list,
                             validate=Length(0, 50))


class TrainIn(Schema):
    epochs = fields.Integer(load_default=None, allow_none=True, validate=Range(1, 50))


# Documented statuses (a bare list would leave the 200 out of the OpenAPI spec).
USER_RESPONSES = {200: "OK", 401: "Unauthorized", 422: "Unprocessable Entity"}
PUBLIC_RESPONSES = {200: "OK", 404: "Not Found", 422: "Unprocessable Entity"}
TRAIN_RESPONSES = {202: "Accepted", 403: "Forbidden", 409: "Conflict"}


def _model_dir():
    return settings().model_dir / "recsys"


@bp.get("/recommend")
@bp.auth_required(auth)
@bp.input(RecommendQuery, location="query", arg_name="query")
@bp.doc(summary="Top-k songs for the current user by one algorithm, each with a reason",
        responses=USER_RESPONSES)
def get_recommendations(query):
    return recommend.recommend(db_session(), auth.current_user.id, query["algorithm"], query["k"], _model_dir())


@bp.get("/recommend/rows")
@bp.auth_required(auth)
@bp.input(RowsQuery, location="query", arg_name="query")
@bp.doc(summary="The three home-page rows (RNN, UserCF, ItemCF)", responses=USER_RESPONSES)
def get_rows(query):
    session, user_id = db_session(), auth.current_user.id
    rows = []
    for algorithm in recommend.ALGORITHMS:
        result = recommend.recommend(session, user_id, algorithm, query["k"], _model_dir())
        rows.append({"key": algorithm, "title": ROW_TITLES[algorithm], **result})
    return {"rows": rows}


@bp.post("/recommend/not-interested")
@bp.auth_required(auth)
@bp.input(SongIdIn, arg_name="body")
@bp.doc(summary="不感兴趣: never recommend this song to me again",
        responses={**USER_RESPONSES, 404: "Not Found"})
def not_interested(body):
    session = db_session()
    result = recommend.mark_not_interested(session, auth.current_user.id, body["song_id"])
    session.commit()
    return result


@bp.get("/songs/<int:song_id>/similar")
@bp.input(SimilarQuery, location="query", arg_name="query")
@bp.doc(summary="Songs similar to a song (ItemCF)", responses=PUBLIC_RESPONSES)
def similar(song_id, query):
    return recommend.similar_songs(db_session(), checked_id(song_id), query["k"], _model_dir(), viewer_id())


@bp.get("/recommend/onboarding")
@bp.doc(summary="Popular songs and artists a new user picks from")
def onboarding_options():
    return recommend.onboarding_options(db_session())


@bp.post("/recommend/onboarding")
@bp.auth_required(auth)
@bp.input(OnboardingIn, arg_name="body")
@bp.doc(summary="Heart the picked songs and each picked artist's most popular song", responses=USER_RESPONSES)
def onboarding(body):
    session = db_session()
    result = recommend.apply_onboarding(session, auth.current_user.id, body["song_ids"], body["artist_ids"])
    session.commit()
    return result


@bp.get("/recommend/model")
@bp.doc(summary="The GRU model version in use (null before the first training)")
def model():
    return {"model": recommend.model_info(_model_dir())}


class EvaluationRowOut(Schema):
    method = fields.String()
    key = fields.String()
    train_s = fields.Float()
    eval_s = fields.Float()
    hr_at_10 = fields.Float(data_key="HR@10", attribute="HR@10")
    hr_at_20 = fields.Float(data_key="HR@20", attribute="HR@20")
    mrr_at_20 = fields.Float(data_key="MRR@20", attribute="MRR@20")
    ndcg_at_10 = fields.Float(data_key="NDCG@10", attribute="NDCG@10")
    coverage_at_20 = fields.Float(data_key="Coverage@20", attribute="Coverage@20")
    pop_bias_at_20 = fields.Float(data_key="PopBias@20", attribute="PopBias@20")


class EvaluationOut(Schema):
    computed_at = fields.String()
    n_events = fields.Integer()
    n_train_events = fields.Integer()
    n_catalogue = fields.Integer()
    n_test_cases = fields.Integer()
    n_scored_cases = fields.Integer()
    split = fields.String()
    rows = fields.List(fields.Nested(EvaluationRowOut))


class CurvePointOut(Schema):
    epoch = fields.Integer()
    loss = fields.Float()
    events_per_second = fields.Integer()


class GruModelOut(Schema):
    version = fields.String()
    created_at = fields.String()
    n_events = fields.Integer()
    n_songs = fields.Integer()
    params = fields.Dict()
    curve = fields.List(fields.Nested(CurvePointOut))


class ModelQualityOut(Schema):
    evaluation = fields.Nested(EvaluationOut, allow_none=True)
    gru = fields.Nested(GruModelOut, allow_none=True)


@bp.get("/recommend/evaluation")
@bp.auth_required(auth)
@bp.output(ModelQualityOut)
@bp.doc(summary="模型评估: the stored offline evaluation of every recommender on the app's data, and the GRU "
                "in use with its training curve (admin only)", responses=[401, 403])
def evaluation():
    require_admin(auth.current_user)
    return {"evaluation": model_quality.stored_evaluation(db_session()), "gru": recommend.model_info(_model_dir())}


@bp.post("/recommend/train")
@bp.auth_required(auth)
@bp.input(TrainIn, arg_name="body")
@bp.doc(summary="Retrain the GRU and refresh the evaluation (模型评估) as a background job (admin only)",
        responses=TRAIN_RESPONSES)
def train(body):
    user = auth.current_user
    require_admin(user)
    session = db_session()
    # 409 while another training job is active
    job = job_records.create_job(session, "train", {"model": "recsys", "epochs": body.get("epochs")}, user.id)
    session.commit()
    from yinqing.jobs import train_recommenders_task

    train_recommenders_task(job.id, body.get("epochs"))
    session.refresh(job)
    return job_records.job_json(job), 202
