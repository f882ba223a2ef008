"""The local gateway simulator: both gateways on loopback, for training mode, the demo and tests.

from pos_app.sandbox import Simulator, Fault
sim = Simulator.start(host="127.0.0.1", port=0, data_dir=None)
sim.alipay_url, sim.top_url, sim.demo.codes["single"]
sim.faults.add(Fault("timeout", api="redeem", delay_s=2))
sim.state.redemptions_for(code); sim.state.remaining(code)
sim.stop()
"""

from pos_app.sandbox.demo import DEMO_CODES, DemoCredentials, DemoKeys
from pos_app.sandbox.dirlock import SandboxBusy
from pos_app.sandbox.faults import Fault, FaultSet
from pos_app.sandbox.server import Simulator
from pos_app.sandbox.wire import SimOptions

__all__ = [
    "DEMO_CODES",
    "DemoCredentials",
    "DemoKeys",
    "Fault",
    "FaultSet",
    "SandboxBusy",
    "SimOptions",
    "Simulator",
]
