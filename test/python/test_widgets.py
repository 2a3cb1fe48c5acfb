"""The Jupyter widgets protocol through a real client: jupyter_client plays the frontend's widget manager
(comm_open from the frontend, update with echo_update, request_state, request_states on the control comm,
custom messages, close, binary buffers) against widgets made in cells, and reads the kernel-side values back."""

import struct
import uuid

import pytest

from kernels import iopub_until_idle, running_kernel, shell_reply

TIMEOUT = 30


@pytest.fixture(scope="module")
def kc(tmp_path_factory):
    with running_kernel(tmp_path_factory.mktemp("jaclab-widgets")) as (_, client):
        yield client


def execute(kc, code):
    msg_id = kc.execute(code, stop_on_error=False)
    outputs = iopub_until_idle(kc, msg_id)
    reply = shell_reply(kc, msg_id)
    assert reply["status"] == "ok", reply
    return outputs


def comm(kc, msg_type, content, buffers=None, metadata=None):
    """Sends a comm message as a frontend would, returns its iopub children up to idle."""
    msg = kc.session.msg(msg_type, content, metadata=metadata or {})
    if buffers:
        kc.session.send(kc.shell_channel.socket, msg, buffers=buffers)
    else:
        kc.shell_channel.send(msg)
    return iopub_until_idle(kc, msg["header"]["msg_id"])


def comm_msgs(messages, comm_id=None, msg_type="comm_msg"):
    return [m for m in messages if m["msg_type"] == msg_type and (comm_id is None or m["content"]["comm_id"] == comm_id)]


def opened(messages, model_name):
    found = [m for m in comm_msgs(messages, msg_type="comm_open") if m["content"]["data"]["state"]["_model_name"] == model_name]
    assert found, f"no {model_name} opened"
    return found[-1]["content"]["comm_id"]


def result_text(outputs):
    return next(m for m in outputs if m["msg_type"] == "execute_result")["content"]["data"]["text/plain"]


def test_slider_update_echo_request_state_and_read_back(kc):
    outputs = execute(kc, 'const s = new widgets.FloatSlider({ value: 0.5, min: 0, max: 2, description: "x" });\ns.observe((c) => console.log(`x: ${c.old} -> ${c.new}`), "value");\ns')
    slider = opened(outputs, "FloatSliderModel")
    open_msg = comm_msgs(outputs, slider, "comm_open")[0]
    assert open_msg["metadata"] == {"version": "2.1.0"}
    view = next(m for m in outputs if m["msg_type"] == "execute_result")["content"]["data"]
    assert view["application/vnd.jupyter.widget-view+json"]["model_id"] == slider
    assert "FloatSlider(" in view["text/plain"]

    children = comm(kc, "comm_msg", {"comm_id": slider, "data": {"method": "update", "state": {"value": 1.25}, "buffer_paths": []}})
    assert comm_msgs(children, slider)[0]["content"]["data"] == {"method": "echo_update", "state": {"value": 1.25}, "buffer_paths": []}
    printed = [m for m in children if m["msg_type"] == "stream"]
    assert printed and printed[0]["content"]["text"] == "x: 0.5 -> 1.25\n"

    state = comm_msgs(comm(kc, "comm_msg", {"comm_id": slider, "data": {"method": "request_state"}}), slider)[0]["content"]["data"]
    assert state["method"] == "update" and state["state"]["value"] == 1.25 and state["state"]["_model_name"] == "FloatSliderModel"
    assert result_text(execute(kc, "s.value")) == "1.25"

    # A value of the wrong type: refused, the kernel's value sent back, the model unchanged.
    bad = comm(kc, "comm_msg", {"comm_id": slider, "data": {"method": "update", "state": {"value": "big"}}})
    assert comm_msgs(bad, slider)[0]["content"]["data"]["state"] == {"value": 1.25}
    assert result_text(execute(kc, "s.value")) == "1.25"


def test_button_click_output_widget_and_close(kc):
    outputs = execute(kc, 'const out = new widgets.Output();\nconst b = new widgets.Button({ description: "go" });\nlet clicks = 0;\nb.onClick(() => out.capture(() => console.log(`click ${++clicks}`)));\nnew widgets.VBox([b, out])')
    button, output = opened(outputs, "ButtonModel"), opened(outputs, "OutputModel")
    msg = kc.session.msg("comm_msg", {"comm_id": button, "data": {"method": "custom", "content": {"event": "click"}}})
    kc.shell_channel.send(msg)
    children = iopub_until_idle(kc, msg["header"]["msg_id"])
    # The captured line reaches the Output as its outputs state, attributed to the click, not as a stream.
    updates = comm_msgs(children, output)
    assert [m["content"]["data"]["state"]["outputs"] for m in updates] == [[{"output_type": "stream", "name": "stdout", "text": "click 1\n"}]]
    assert updates[0]["parent_header"]["msg_id"] == msg["header"]["msg_id"]
    assert not [m for m in children if m["msg_type"] == "stream"]
    comm(kc, "comm_close", {"comm_id": button, "data": {}})
    kc.comm_info(target_name="jupyter.widget")
    info = kc.get_shell_msg(timeout=TIMEOUT)
    assert info["content"]["status"] == "ok"
    assert button not in info["content"]["comms"] and output in info["content"]["comms"]
    assert result_text(execute(kc, "b.closed")) == "true"


def test_frontend_comm_open_custom_buffers_and_control_comm(kc):
    execute(kc, 'comms.registerTarget("test.sum", (c, open) => {\n  const xs = new Float64Array(open.buffers[0]!.slice().buffer);\n  c.onMsg((m) => c.send({ sum: xs.reduce((a, b) => a + b, 0), echo: m.data }, [new Float64Array([xs.length])]));\n});')
    comm_id = uuid.uuid4().hex
    opened_children = comm(kc, "comm_open", {"comm_id": comm_id, "target_name": "test.sum", "data": {}}, buffers=[struct.pack("<3d", 1.0, 2.0, 3.5)])
    assert not comm_msgs(opened_children, comm_id, "comm_close")
    reply = comm_msgs(comm(kc, "comm_msg", {"comm_id": comm_id, "data": {"ping": 1}}), comm_id)[0]
    assert reply["content"]["data"] == {"sum": 6.5, "echo": {"ping": 1}}
    assert struct.unpack("<d", reply["buffers"][0]) == (3.0,)

    # An unknown target is refused with comm_close; an unknown comm id is ignored; the kernel lives on.
    refused = uuid.uuid4().hex
    assert comm_msgs(comm(kc, "comm_open", {"comm_id": refused, "target_name": "nobody", "data": {}}), refused, "comm_close")
    assert not comm_msgs(comm(kc, "comm_msg", {"comm_id": "missing", "data": {}}))

    # A frontend-made widget, then request_states on the control comm lists it with its state.
    text_id = uuid.uuid4().hex
    comm(kc, "comm_open", {"comm_id": text_id, "target_name": "jupyter.widget", "data": {"state": {"_model_name": "TextModel", "_model_module": "@jupyter-widgets/controls", "value": "hi"}, "buffer_paths": []}}, metadata={"version": "2.1.0"})
    control = uuid.uuid4().hex
    comm(kc, "comm_open", {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}}, metadata={"version": "1.0.0"})
    states = comm_msgs(comm(kc, "comm_msg", {"comm_id": control, "data": {"method": "request_states"}}), control)[0]["content"]["data"]
    assert states["method"] == "update_states"
    assert states["states"][text_id]["model_name"] == "TextModel" and states["states"][text_id]["state"]["value"] == "hi"

    kc.comm_info(target_name="test.sum")
    info = kc.get_shell_msg(timeout=TIMEOUT)
    assert info["content"]["comms"] == {comm_id: {"target_name": "test.sum"}}
    comm(kc, "comm_close", {"comm_id": comm_id, "data": {}})
    kc.comm_info(target_name="test.sum")
    assert kc.get_shell_msg(timeout=TIMEOUT)["content"]["comms"] == {}


def test_interact_renders_and_follows_the_slider(kc):
    outputs = execute(kc, 'const ui = interact(({ x, mode }) => `${mode}: ${x * 2}`, { x: [0, 4, 1], mode: ["jacrev", "jacfwd"] });')
    slider, output = opened(outputs, "IntSliderModel"), opened(outputs, "OutputModel")

    def shown(messages):
        """What each update of the interact's Output shows."""
        return [[o["data"]["text/plain"] for o in m["content"]["data"]["state"]["outputs"]] for m in comm_msgs(messages, output)]

    assert shown(outputs)[-1] == ["'jacrev: 4'"]
    children = comm(kc, "comm_msg", {"comm_id": slider, "data": {"method": "update", "state": {"value": 3}}})
    assert shown(children) == [["'jacrev: 6'"]]
    assert result_text(execute(kc, "ui.result")) == "'jacrev: 6'"
