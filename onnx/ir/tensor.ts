/**
 * Tensors of the graph IR: a {@link Variable} (a value computed at run time, with a dtype and a shape that
 * may be partly unknown) or a {@link Constant} (a value stored in the model, loaded lazily).
 *
 * Links: `producer` and `consumers` are maintained by {@link Node} (`setInput`, `setOutput`, ...); never
 * edit them directly.
 *
 * @module
 */
import type { Node } from "./node.ts";
import { type DataType, dataTypeOfValues, elementCount, type TensorValues } from "./dtype.ts";

/** One dimension: a size, a symbolic name (`"batch_size"`), or unknown. */
export type Dim = number | string | undefined;

/** Where a constant's bytes live in an external-data file (absolute `path`). */
export interface ExternalLocation {
  path: string;
  offset: number;
  length: number;
}

/** A deferred source of constant values; `load` is called at most once, on first access. */
export interface LazyValues {
  load(): TensorValues;
  /** Set when the values come from an external-data file. */
  external?: ExternalLocation;
}

/** A tensor computed at run time: graph input or node output. */
export class Variable {
  readonly kind = "variable" as const;
  name: string;
  /** Element type, when known. */
  dtype: DataType | undefined;
  /** Dimensions, `undefined` when even the rank is unknown. */
  shape: Dim[] | undefined;
  /** The node that computes this tensor (undefined for graph inputs and empty optional inputs). */
  producer: Node | undefined = undefined;
  /** Nodes reading this tensor, each once. */
  readonly consumers: Node[] = [];

  constructor(name: string, dtype?: DataType, shape?: Dim[]) {
    this.name = name;
    this.dtype = dtype;
    this.shape = shape;
  }

  /** The placeholder for an omitted optional node input (ONNX name ""). */
  static empty(): Variable {
    return new Variable("");
  }

  /** True for the omitted-optional-input placeholder. */
  get isEmpty(): boolean {
    return this.name === "";
  }

  /** True when every dimension is a known number. */
  get isStatic(): boolean {
    return this.shape !== undefined && this.shape.every((d) => typeof d === "number");
  }

  toString(): string {
    return `Variable ${JSON.stringify(this.name)} ${this.dtype ?? "?"}[${this.shape?.join(",") ?? "?"}]`;
  }
}

/** A tensor stored in the model (initializer or attribute value); values load on first access. */
export class Constant {
  readonly kind = "constant" as const;
  name: string;
  dtype: DataType;
  /** Dimensions; `[]` for a scalar. */
  dims: number[];
  readonly consumers: Node[] = [];
  /** Always undefined: constants have no producer (kept so that `tensor.producer` type-checks). */
  readonly producer: undefined = undefined;
  docString = "";
  #values: TensorValues | undefined;
  #lazy: LazyValues | undefined;

  /** `values` may be the data itself or a {@link LazyValues} loader. */
  constructor(name: string, dtype: DataType, dims: number[], values: TensorValues | LazyValues) {
    this.name = name;
    this.dtype = dtype;
    this.dims = dims;
    if (isLazy(values)) this.#lazy = values;
    else this.#values = values;
  }

  /** Builds a constant from a typed array, taking the dtype from the array type unless given. */
  static of(name: string, values: TensorValues, dims?: number[], dtype?: DataType): Constant {
    return new Constant(name, dtype ?? dataTypeOfValues(values), dims ?? [values.length], values);
  }

  /** The dimensions as a shape (for code that treats all tensors alike). */
  get shape(): Dim[] {
    return this.dims;
  }

  /** Number of elements. */
  get size(): number {
    return elementCount(this.dims);
  }

  /** True once the values are in memory. */
  get loaded(): boolean {
    return this.#values !== undefined;
  }

  /** Where the values live on disk, for constants read from external data and not yet replaced. */
  get external(): ExternalLocation | undefined {
    return this.#values === undefined ? this.#lazy?.external : undefined;
  }

  /** The values, loading them on first access. */
  values(): TensorValues {
    if (this.#values === undefined) {
      this.#values = this.#lazy!.load();
      this.#lazy = undefined;
    }
    return this.#values;
  }

  /** The values without caching them (for streaming writes of large models). */
  peekValues(): TensorValues {
    return this.#values ?? this.#lazy!.load();
  }

  /** Replaces the values (and dims when given; otherwise the element count must stay the same). */
  setValues(values: TensorValues, dims?: number[]): void {
    this.#values = values;
    this.#lazy = undefined;
    if (dims !== undefined) this.dims = dims;
  }

  toString(): string {
    return `Constant ${JSON.stringify(this.name)} ${this.dtype}[${this.dims.join(",")}]`;
  }
}

/** A graph tensor. */
export type Tensor = Variable | Constant;

function isLazy(v: TensorValues | LazyValues): v is LazyValues {
  return !Array.isArray(v) && !ArrayBuffer.isView(v);
}
