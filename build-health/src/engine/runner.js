import { DataPlane } from './data-plane.js';
export class InProcessRunner {
    plane = null;
    expectedWorkers = 1;
    logger;
    healthSource;
    /** The plane being started (not listening yet): it already takes health verdicts. */
    starting = null;
    version = 0;
    constructor(logger, healthSource = () => []) {
        this.logger = logger;
        this.healthSource = healthSource;
    }
    get liveWorkers() {
        return this.plane === null || this.plane.draining ? 0 : 1;
    }
    workerStatus() {
        const state = this.plane === null ? 'starting' : this.plane.draining ? 'draining' : 'listening';
        return [{ pid: process.pid, state, version: this.version }];
    }
    async start(config, version, host, port) {
        const plane = new DataPlane(config, version, this.logger);
        // Verdicts are written straight into this plane's endpoint states from now on.
        plane.applyHealth(this.healthSource());
        this.starting = plane;
        let address;
        try {
            address = await plane.listen(host, port);
        }
        catch (err) {
            plane.outlierSweeper.stop();
            plane.upstreams.close();
            throw err;
        }
        finally {
            this.starting = null;
        }
        this.plane = plane;
        this.version = version;
        return address.port;
    }
    async apply(config, version) {
        this.plane?.apply(config, version);
        this.version = version;
    }
    async drain(delayMs, timeoutMs) {
        await this.plane?.drain(delayMs, timeoutMs);
    }
    setEndpointHealth(update) {
        (this.plane ?? this.starting)?.setEndpointHealth(update.service, update.address, update.healthy);
    }
    async serviceStatus() {
        return { expected: 1, planes: this.plane === null ? [] : [this.plane.serviceStatus()], missing: [] };
    }
}
//# sourceMappingURL=runner.js.map