import { Type } from '@sinclair/typebox';
export const MeshSchema = Type.Object({
    meshType: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('istio'), Type.Literal('linkerd'), Type.Literal('consul')], { description: 'Mesh the gateway runs in. Default none.' })),
    mtlsMode: Type.Optional(Type.Union([Type.Literal('STRICT'), Type.Literal('PERMISSIVE'), Type.Literal('DISABLE')], { description: 'Downstream mTLS mode. Default DISABLE.' })),
    sidecarPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'Port of the sidecar listener (mesh mode).' })),
    controlPlaneEndpoint: Type.Optional(Type.String({ minLength: 1, description: 'Control plane address, e.g. `istiod.istio-system:15012`.' })),
}, { additionalProperties: false, description: 'Service-mesh settings (accepted now; used by the mesh capability).' });
//# sourceMappingURL=mesh.js.map