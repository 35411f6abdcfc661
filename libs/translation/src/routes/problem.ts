/** Receives a VirtualService field path (relative to the route entry) and what could not be translated there. */
export type ProblemSink = (field: string, message: string) => void;
