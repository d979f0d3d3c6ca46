from flask import Blueprint, Flask

app = Flask(__name__)
status = Blueprint("status", __name__, url_prefix="/status")


@status.route("/healthz")
def healthz():
    return "ok"


app.register_blueprint(status)
