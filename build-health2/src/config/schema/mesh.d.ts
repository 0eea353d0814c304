import { type Static } from '@sinclair/typebox';
export declare const MeshSchema: import("@sinclair/typebox").TObject<{
    meshType: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TLiteral<"none">, import("@sinclair/typebox").TLiteral<"istio">, import("@sinclair/typebox").TLiteral<"linkerd">, import("@sinclair/typebox").TLiteral<"consul">]>>;
    mtlsMode: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TLiteral<"STRICT">, import("@sinclair/typebox").TLiteral<"PERMISSIVE">, import("@sinclair/typebox").TLiteral<"DISABLE">]>>;
    sidecarPort: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    controlPlaneEndpoint: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
}>;
export type MeshConfig = Static<typeof MeshSchema>;
