/**
 * Exports an MlpClassifier as an ONNX graph: features -> Sub(mean) -> Mul(scale) -> [Gemm -> Relu]* -> Gemm ->
 * Softmax -> probabilities, with a dynamic batch dimension. The graph computes exactly the TypeScript forward pass.
 */
import type { MlpClassifier } from '../classifier/mlp-classifier.ts';
import { OnnxDataType, type OnnxModel, type OnnxNode, type OnnxTensor } from './onnx-model.ts';

/** Graph input name: float32 [batch, features]. */
export const CLASSIFIER_INPUT = 'features';
/** Graph output name: float32 [batch, classes], rows summing to 1. */
export const CLASSIFIER_OUTPUT = 'probabilities';

/** The ONNX description of a classifier; `metadata` is stored in the file's metadata_props. */
export function mlpToOnnx(model: MlpClassifier, graphName: string, metadata: Readonly<Record<string, string>> = {}): OnnxModel {
  const { data } = model;
  const f = model.inputSize;
  const initializers: OnnxTensor[] = [
    { name: 'input_mean', dims: [f], dataType: OnnxDataType.FLOAT, data: data.mean },
    { name: 'input_scale', dims: [f], dataType: OnnxDataType.FLOAT, data: data.scale },
  ];
  const nodes: OnnxNode[] = [
    { opType: 'Sub', inputs: [CLASSIFIER_INPUT, 'input_mean'], outputs: ['centred'], name: 'centre' },
    { opType: 'Mul', inputs: ['centred', 'input_scale'], outputs: ['h0'], name: 'scale' },
  ];
  data.layers.forEach((layer, l) => {
    const last = l === data.layers.length - 1;
    initializers.push({ name: `w${l}`, dims: [layer.inSize, layer.outSize], dataType: OnnxDataType.FLOAT, data: layer.weights });
    initializers.push({ name: `b${l}`, dims: [layer.outSize], dataType: OnnxDataType.FLOAT, data: layer.bias });
    const pre = last ? 'logits' : `z${l + 1}`;
    nodes.push({ opType: 'Gemm', inputs: [`h${l}`, `w${l}`, `b${l}`], outputs: [pre], name: `dense${l}` });
    if (!last) nodes.push({ opType: 'Relu', inputs: [pre], outputs: [`h${l + 1}`], name: `relu${l}` });
  });
  nodes.push({ opType: 'Softmax', inputs: ['logits'], outputs: [CLASSIFIER_OUTPUT], name: 'softmax', attributes: [{ name: 'axis', kind: 'int', value: -1 }] });
  return {
    graphName,
    nodes,
    initializers,
    inputs: [{ name: CLASSIFIER_INPUT, elemType: OnnxDataType.FLOAT, shape: ['batch', f] }],
    outputs: [{ name: CLASSIFIER_OUTPUT, elemType: OnnxDataType.FLOAT, shape: ['batch', model.classCount] }],
    metadata: { classes: JSON.stringify(data.classes), features: JSON.stringify(data.featureNames), ...metadata },
  };
}
