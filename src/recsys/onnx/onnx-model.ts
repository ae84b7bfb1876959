/**
 * ONNX model description and its hand-written protobuf encoding (onnx.proto3: ModelProto, GraphProto, NodeProto,
 * TensorProto, ValueInfoProto, AttributeProto). Only what Earworm's graphs use is modelled.
 */
import { ProtobufWriter } from './protobuf-writer.ts';

/** ONNX TensorProto.DataType values used here. */
export const OnnxDataType = { FLOAT: 1, INT32: 6, INT64: 7 } as const;

/** An element type Earworm writes. */
type OnnxElemType = (typeof OnnxDataType)[keyof typeof OnnxDataType];

/** A constant tensor stored in the graph (weights, biases, shapes). */
export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: OnnxElemType;
  /** FLOAT data as Float32Array; INT64/INT32 data as plain numbers. */
  readonly data: Float32Array | readonly number[];
}

/** A graph input or output: name, element type and shape (a string names a dynamic dimension such as "batch"). */
interface OnnxValueInfo {
  readonly name: string;
  readonly elemType: OnnxElemType;
  readonly shape: readonly (number | string)[];
}

/** A node attribute: int, float, string or list of ints. */
type OnnxAttribute =
  | { readonly name: string; readonly kind: 'int'; readonly value: number }
  | { readonly name: string; readonly kind: 'float'; readonly value: number }
  | { readonly name: string; readonly kind: 'string'; readonly value: string }
  | { readonly name: string; readonly kind: 'ints'; readonly value: readonly number[] };

/** One operator application. */
export interface OnnxNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly attributes?: readonly OnnxAttribute[];
}

/** A whole model: one graph, its opset and free-form metadata (model version, labels, feature names). */
export interface OnnxModel {
  readonly graphName: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly opsetVersion?: number;
  readonly producerVersion?: string;
  readonly docString?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** IR version 8 (ONNX 1.10+) with the default-domain opset 17 is read by every onnxruntime from 1.11 on. */
const IR_VERSION = 8;
const DEFAULT_OPSET = 17;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

/** Encodes a model as ModelProto bytes, ready to write as a .onnx file or hand to onnxruntime. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const w = new ProtobufWriter();
  w.varintField(1, IR_VERSION);
  w.stringField(2, 'earworm');
  w.stringField(3, model.producerVersion ?? '1');
  if (model.docString !== undefined) w.stringField(6, model.docString);
  w.bytesField(7, encodeGraph(model));
  w.bytesField(8, new ProtobufWriter().stringField(1, '').varintField(2, model.opsetVersion ?? DEFAULT_OPSET).finish());
  for (const [key, value] of Object.entries(model.metadata ?? {})) {
    w.bytesField(14, new ProtobufWriter().stringField(1, key).stringField(2, value).finish());
  }
  return w.finish();
}

function encodeGraph(model: OnnxModel): Uint8Array {
  const w = new ProtobufWriter();
  for (const node of model.nodes) w.bytesField(1, encodeNode(node));
  w.stringField(2, model.graphName);
  for (const t of model.initializers) w.bytesField(5, encodeTensor(t));
  for (const v of model.inputs) w.bytesField(11, encodeValueInfo(v));
  for (const v of model.outputs) w.bytesField(12, encodeValueInfo(v));
  return w.finish();
}

function encodeNode(node: OnnxNode): Uint8Array {
  const w = new ProtobufWriter();
  for (const i of node.inputs) w.stringField(1, i);
  for (const o of node.outputs) w.stringField(2, o);
  if (node.name !== undefined) w.stringField(3, node.name);
  w.stringField(4, node.opType);
  for (const a of node.attributes ?? []) w.bytesField(5, encodeAttribute(a));
  return w.finish();
}

function encodeAttribute(a: OnnxAttribute): Uint8Array {
  const w = new ProtobufWriter().stringField(1, a.name);
  switch (a.kind) {
    case 'float':
      return w.floatField(2, a.value).varintField(20, ATTR_FLOAT).finish();
    case 'int':
      return w.varintField(3, a.value).varintField(20, ATTR_INT).finish();
    case 'string':
      return w.stringField(4, a.value).varintField(20, ATTR_STRING).finish();
    case 'ints':
      return w.packedVarintField(8, a.value).varintField(20, ATTR_INTS).finish();
  }
}

/** Encodes a TensorProto; float data goes in raw_data (little-endian), integers in their typed repeated field. */
function encodeTensor(t: OnnxTensor): Uint8Array {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (t.data.length !== count) throw new RangeError(`tensor ${t.name}: ${t.data.length} values for dims [${t.dims.join(', ')}]`);
  const w = new ProtobufWriter();
  w.packedVarintField(1, t.dims);
  w.varintField(2, t.dataType);
  w.stringField(8, t.name);
  if (t.dataType === OnnxDataType.FLOAT) {
    const bytes = new Uint8Array(count * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < count; i++) view.setFloat32(i * 4, t.data[i]!, true);
    w.bytesField(9, bytes);
  } else if (t.dataType === OnnxDataType.INT64) {
    w.packedVarintField(7, Array.from(t.data));
  } else {
    w.packedVarintField(5, Array.from(t.data));
  }
  return w.finish();
}

function encodeValueInfo(v: OnnxValueInfo): Uint8Array {
  const shape = new ProtobufWriter();
  for (const d of v.shape) {
    const dim = typeof d === 'number' ? new ProtobufWriter().varintField(1, d) : new ProtobufWriter().stringField(2, d);
    shape.bytesField(1, dim.finish());
  }
  const tensorType = new ProtobufWriter().varintField(1, v.elemType).bytesField(2, shape.finish()).finish();
  const type = new ProtobufWriter().bytesField(1, tensorType).finish();
  return new ProtobufWriter().stringField(1, v.name).bytesField(2, type).finish();
}
