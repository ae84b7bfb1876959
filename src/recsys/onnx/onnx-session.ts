/**
 * Loading and running ONNX models with onnxruntime-node. A missing file, bytes that are not a valid model, or an
 * execution provider that this host lacks become typed errors (or, for the provider, a documented CPU fallback).
 */
import { readFile } from 'node:fs/promises';
import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelFileCorruptError, ModelFileMissingError } from '../errors.ts';

/** Where ONNX graphs run: onnxruntime's CPU provider (default) or its CUDA provider on a GPU host. */
export type OnnxProvider = 'cpu' | 'cuda';

/** An inference failed inside onnxruntime (bad input shape, provider failure); `cause` holds onnxruntime's error. */
export class OnnxRunError extends Error {
  readonly code = 'ONNX_RUN_FAILED';
  constructor(readonly model: string, options: { cause: unknown }) {
    super(`onnxruntime could not run ${model}: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`, options);
    this.name = 'OnnxRunError';
  }
}

/** An open onnxruntime session and the provider it really runs on. */
export interface OnnxSession {
  readonly session: InferenceSession;
  /** The provider actually used; `cpu` when `cuda` was asked for but this onnxruntime build or host has none. */
  readonly provider: OnnxProvider;
  /** Why the requested provider was not used, when it was not. */
  readonly fallbackReason: string | undefined;
  /** Runs the graph; failures become OnnxRunError. */
  run(feeds: Record<string, Tensor>): Promise<InferenceSession.ReturnType>;
  release(): Promise<void>;
}

type Ort = typeof OrtModule;
let ortModule: Promise<Ort> | undefined;

/** onnxruntime-node, loaded on first use so that importing this module loads no native code. */
export function loadOrt(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node');
  return ortModule;
}

/** Options for opening a session. */
export interface OpenSessionOptions {
  /** Requested provider; default `cpu`. */
  readonly provider?: OnnxProvider;
  /** With `cuda`: fall back to CPU when CUDA cannot be used (default true); false throws instead. */
  readonly fallbackToCpu?: boolean;
  /** Intra-op threads for the CPU provider (default: onnxruntime's choice). */
  readonly intraOpThreads?: number;
}

/** Opens a session from a .onnx file; a missing file throws ModelFileMissingError, a broken one ModelFileCorruptError. */
export async function openOnnxFile(path: string, options: OpenSessionOptions = {}): Promise<OnnxSession> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new ModelFileMissingError(path, { cause });
  }
  return openOnnxBytes(bytes, path, options);
}

/** Opens a session from model bytes held in memory; `label` names the model in errors. */
export async function openOnnxBytes(bytes: Uint8Array, label: string, options: OpenSessionOptions = {}): Promise<OnnxSession> {
  const ort = await loadOrt();
  const requested = options.provider ?? 'cpu';
  const base: InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    ...(options.intraOpThreads !== undefined ? { intraOpNumThreads: options.intraOpThreads } : {}),
  };
  let fallbackReason: string | undefined;
  let session: InferenceSession | undefined;
  if (requested === 'cuda') {
    try {
      // Severity 4 (fatal only): a host without CUDA is an expected case, reported through fallbackReason.
      session = await ort.InferenceSession.create(bytes, { ...base, executionProviders: ['cuda'], logSeverityLevel: 4 });
    } catch (cause) {
      if (options.fallbackToCpu === false) throw new OnnxRunError(`${label} (cuda provider)`, { cause });
      fallbackReason = `CUDA execution provider unavailable: ${cause instanceof Error ? cause.message : String(cause)}`;
    }
  }
  const provider: OnnxProvider = session === undefined ? 'cpu' : 'cuda';
  if (session === undefined) {
    try {
      session = await ort.InferenceSession.create(bytes, { ...base, executionProviders: ['cpu'] });
    } catch (cause) {
      throw new ModelFileCorruptError(label, 'onnxruntime rejected the model', { cause });
    }
  }
  const s = session;
  return {
    session: s,
    provider,
    fallbackReason,
    run: async (feeds) => {
      try {
        return await s.run(feeds);
      } catch (cause) {
        throw new OnnxRunError(label, { cause });
      }
    },
    release: () => s.release(),
  };
}
