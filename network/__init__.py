"""network: spin-torque oscillators as neural networks.

- Synchronization networks (Romera et al., Nature 2018): ``network.simulator`` integrates N
  coupled auto-oscillators driven by K RF sources; ``network.readout`` turns locking into
  class patterns; ``network.plan`` holds the frequency plan (bands, maps, amplitudes,
  coupling, current range) and maps it onto a device; ``network.vowels`` (``build_network``,
  the device spread) and ``network.experiment`` train the DC currents on spoken vowels;
  ``network.baselines`` gives the software baselines.
- Reservoir computing with one oscillator (Torrejon et al., Nature 2017): ``network.reservoir``,
  ``network.preprocessing``, ``network.esn``.

Every oscillator is a :class:`compact.AutoOscillator` record, so devices may differ.
"""
