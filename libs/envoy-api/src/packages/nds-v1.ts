// istio-agent's NDS proto package (istio.networking.nds.v1) re-exported as one module (generated code lives in ../gen).
export * from '../gen/istio/networking/nds/v1/nds_pb.js';
