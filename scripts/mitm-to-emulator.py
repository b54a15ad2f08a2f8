"""
mitmproxy addon (scripts/record-foreign-hars.ts): sends every flow to the local emulator instead of the
host it names, and puts the original scheme, host and port back before later addons (har_dump) see the
response, so the HAR shows the Cloudflare URLs the client asked for. Load it before har_dump.py.
The emulator's port comes from the `emulator_port` option.
"""
from mitmproxy import ctx, http


def load(loader):
    loader.add_option("emulator_port", int, 0, "Port of the local emulator every flow goes to.")


def request(flow: http.HTTPFlow) -> None:
    flow.metadata["wai_original"] = (flow.request.scheme, flow.request.host, flow.request.port)
    flow.request.scheme = "http"
    flow.request.host = "127.0.0.1"
    flow.request.port = ctx.options.emulator_port


def response(flow: http.HTTPFlow) -> None:
    scheme, host, port = flow.metadata["wai_original"]
    flow.request.scheme = scheme
    flow.request.host = host
    flow.request.port = port
