// The tape records the ops of one step as plain node records and replays them
// backward. Nodes hold pointers and a metatype, never closures or objects, so
// recording a step allocates nothing once the node array and arena are warm.
import CVRCore
import CVRKernels

/// An op that knows how to send gradients back to its inputs.
///
/// Each op file defines one of these next to its forward function: `forward`
/// computes the output and records a `Node`; `backward` reads the node and adds
/// (never assigns) into the gradients of the inputs that require them.
public protocol DifferentiableOp {
  /// Adds the input gradients of `node`, given `gradOutput` (the gradient of its output).
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape)
}

/// One recorded op: its output, up to three inputs, and what its backward needs.
///
/// `ints`, `floats`, `saved` and `saved2` are op-specific (each op documents its
/// use); `extra` indexes `Tape.extraInputs` for ops with many inputs (concat);
/// `object` indexes `Tape.objects` for ops that need a reference (a layer's state).
public struct Node {
  public let op: any DifferentiableOp.Type
  public var output: Tensor
  public var a: Tensor?
  public var b: Tensor?
  public var c: Tensor?
  public var saved: UnsafeMutablePointer<Float>? = nil
  public var saved2: UnsafeMutablePointer<Float>? = nil
  public var ints: (Int, Int, Int, Int) = (0, 0, 0, 0)
  public var floats: (Float, Float) = (0, 0)
  public var extra: Range<Int> = 0..<0
  public var object: Int = -1

  public init(_ op: any DifferentiableOp.Type, output: Tensor, _ a: Tensor? = nil, _ b: Tensor? = nil, _ c: Tensor? = nil) {
    self.op = op
    self.output = output
    self.a = a
    self.b = b
    self.c = c
  }
}

/// A leaf: a parameter or a variable. Its gradient buffer is filled by its consumers.
enum Leaf: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {}
}

/// Records the ops of a step and runs them backward; owns the step's memory.
///
/// Typical step:
/// ```
/// tape.reset()
/// let loss = model.loss(batch, tape)
/// tape.backward(loss)          // parameter gradients accumulate
/// optimizer.step(); zeroGrad
/// ```
/// Every tensor made on the tape lives until the next `reset()`.
public final class Tape {
  public let arena: Arena
  /// Whether ops record nodes. Off: inference mode, nothing is recorded and no
  /// memory for backward is kept.
  public private(set) var isRecording: Bool
  /// Training behaviour of the layers that differ between modes: dropout
  /// drops, batch norm uses and updates batch statistics. Off: dropout is the
  /// identity and batch norm reads its running statistics. The mode travels
  /// with the tape, never with a model, so concurrent scorers of one model,
  /// each on its own tape, cannot disturb each other.
  public private(set) var isTraining: Bool
  /// Source of dropout masks; reseed for reproducible steps.
  public var rng: SeededGenerator

  private var nodes: ContiguousArray<Node> = []
  private var grads: ContiguousArray<UnsafeMutablePointer<Float>?> = []
  /// Inputs of variadic ops (concat), referenced by `Node.extra`.
  public private(set) var extraInputs: ContiguousArray<Tensor> = []
  /// References ops need during backward, referenced by `Node.object`.
  public private(set) var objects: ContiguousArray<AnyObject> = []
  /// Tensors gathered for a variadic op (`stage`, `concatStaged`): a stack that keeps
  /// its capacity across steps, so a layer joins a varying number of parts without
  /// building an Array each call (a warm step allocates nothing).
  private var staged: ContiguousArray<Tensor> = []
  private var hasRunBackward = false

  /// A tape for training (`recording`, training behaviour) or for inference
  /// (`recording: false`; `training` defaults to `recording`).
  public init(seed: UInt64 = 0, recording: Bool = true, training: Bool? = nil, arena: Arena = Arena()) {
    self.arena = arena
    self.isRecording = recording
    self.isTraining = training ?? recording
    self.rng = SeededGenerator(seed: seed)
    nodes.reserveCapacity(256)
    grads.reserveCapacity(256)
  }

  /// Forgets the recorded step and takes back all of its memory.
  public func reset() {
    nodes.removeAll(keepingCapacity: true)
    grads.removeAll(keepingCapacity: true)
    extraInputs.removeAll(keepingCapacity: true)
    objects.removeAll(keepingCapacity: true)
    staged.removeAll(keepingCapacity: true)
    hasRunBackward = false
    arena.reset()
  }

  /// Runs `body` with recording off: no nodes, no gradient memory (layer
  /// behaviour unchanged; see `inference` for both).
  public func withoutRecording<R>(_ body: () throws -> R) rethrows -> R {
    let was = isRecording
    isRecording = false
    defer { isRecording = was }
    return try body()
  }

  /// Runs `body` with inference behaviour (dropout off, batch norm on running
  /// statistics) while recording stays as it is: a frozen sub-network (MetaCVR's
  /// FRN in stage 2) runs as at inference inside a recorded training step.
  public func withInferenceBehaviour<R>(_ body: () throws -> R) rethrows -> R {
    let was = isTraining
    isTraining = false
    defer { isTraining = was }
    return try body()
  }

  /// Runs `body` as inference: nothing recorded and inference behaviour.
  public func inference<R>(_ body: () throws -> R) rethrows -> R {
    try withoutRecording { try withInferenceBehaviour(body) }
  }

  /// Number of nodes recorded since the last reset.
  public var nodeCount: Int { nodes.count }

  // MARK: - Making tensors

  /// An uninitialised tensor in step memory (not tracked).
  @inline(__always)
  public func empty(_ shape: Shape) -> Tensor {
    Tensor(data: arena.allocate(shape.count), shape: shape)
  }

  /// A tensor of zeros in step memory (not tracked).
  public func zeros(_ shape: Shape) -> Tensor {
    Tensor(data: arena.allocateZeroed(shape.count), shape: shape)
  }

  /// A constant holding a copy of `values`.
  public func constant(_ values: [Float], _ shape: Shape) -> Tensor {
    precondition(values.count == shape.count, "constant: \(values.count) values for shape \(shape)")
    let t = empty(shape)
    values.withUnsafeBufferPointer { t.data.update(from: $0.baseAddress!, count: values.count) }
    return t
  }

  /// A constant that reads caller-owned memory (no copy); it must outlive the step.
  public func input(_ data: UnsafeMutablePointer<Float>, _ shape: Shape) -> Tensor {
    Tensor(data: data, shape: shape)
  }

  /// A tracked leaf holding a copy of `values`; read its gradient with `gradient(of:)`.
  public func variable(_ values: [Float], _ shape: Shape) -> Tensor {
    let t = constant(values, shape)
    guard isRecording else { return t }
    return record(Node(Leaf.self, output: t))
  }

  /// The parameter as a tensor on this tape. Frozen parameters, and all
  /// parameters in inference mode, enter as constants.
  public func param(_ p: Parameter) -> Tensor {
    precondition(p.gradientLayout == .dense || !p.requiresGrad || !isRecording,
                 "Tape.param: \(p.name) has sparse-row gradients; read it through a lookup op")
    let t = Tensor(data: p.value.baseAddress!, shape: p.shape)
    guard isRecording && p.requiresGrad else { return t }
    let id = nodes.count
    nodes.append(Node(Leaf.self, output: t))
    grads.append(p.grad.baseAddress!)
    return Tensor(data: t.data, shape: t.shape, node: Int32(id))
  }

  // MARK: - Recording

  /// Whether an op over these inputs must record a node (and keep what its backward needs).
  @inline(__always)
  public func isTracking(_ a: Tensor, _ b: Tensor? = nil, _ c: Tensor? = nil) -> Bool {
    isRecording && (a.requiresGrad || (b?.requiresGrad ?? false) || (c?.requiresGrad ?? false))
  }

  /// Appends `node` when any input requires a gradient and returns its output as a
  /// tracked tensor; otherwise returns the output as a constant.
  @inline(__always)
  public func record(_ node: Node) -> Tensor {
    let out = node.output
    var needed = ObjectIdentifier(node.op) == ObjectIdentifier(Leaf.self)
    if let a = node.a, a.requiresGrad { needed = true }
    if let b = node.b, b.requiresGrad { needed = true }
    if let c = node.c, c.requiresGrad { needed = true }
    for i in node.extra where extraInputs[i].requiresGrad { needed = true }
    guard isRecording && needed else { return Tensor(data: out.data, shape: out.shape) }
    return append(node)
  }

  /// Records `node` whenever the tape is recording, tracked inputs or not: for ops
  /// whose backward sends gradient to state outside the tape's tensors (an
  /// embedding table's sparse rows), which `record` cannot see.
  @inline(__always)
  public func recordGradientSink(_ node: Node) -> Tensor {
    guard isRecording else { return Tensor(data: node.output.data, shape: node.output.shape) }
    return append(node)
  }

  @inline(__always)
  private func append(_ node: Node) -> Tensor {
    precondition(!hasRunBackward, "Tape: recording after backward; call reset() first")
    let id = nodes.count
    var stored = node
    stored.output = Tensor(data: node.output.data, shape: node.output.shape, node: Int32(id))
    nodes.append(stored)
    grads.append(nil)
    return stored.output
  }

  /// Stores the inputs of a variadic op; put the returned range in `Node.extra`.
  public func storeInputs(_ tensors: some Collection<Tensor>) -> Range<Int> {
    let start = extraInputs.count
    extraInputs.append(contentsOf: tensors)
    return start..<extraInputs.count
  }

  /// `storeInputs` for a buffer of tensors, element by element (no generic iterator:
  /// unspecialised, one allocates per element in a debug build).
  public func storeInputs(_ tensors: UnsafeBufferPointer<Tensor>) -> Range<Int> {
    let start = extraInputs.count
    for i in 0..<tensors.count { extraInputs.append(tensors[i]) }
    return start..<extraInputs.count
  }

  // MARK: - Staging the parts of a variadic op

  /// Where the next staged tensor goes; pass it to `concatStaged(from:)`.
  public var stageMark: Int { staged.count }

  /// Pushes `tensor` onto the staging stack (see `concatStaged`).
  public func stage(_ tensor: Tensor) { staged.append(tensor) }

  /// The tensors staged since `mark`, in order, as a buffer valid during `body`; then
  /// pops them. Stages nest: an inner mark and pop inside `body` leave these intact.
  public func withStaged<R>(from mark: Int, _ body: (UnsafeBufferPointer<Tensor>) -> R) -> R {
    precondition(mark >= 0 && mark <= staged.count, "Tape: stage mark \(mark) outside 0...\(staged.count)")
    // Copied to a stack buffer and popped before `body` runs: `body` may stage more
    // (nested), which could move the staging array's storage under a pointer into it.
    let count = staged.count - mark
    let result = withUnsafeTemporaryAllocation(of: Tensor.self, capacity: max(1, count)) { buffer in
      for i in 0..<count { buffer.initializeElement(at: i, to: staged[mark + i]) }
      defer { buffer.baseAddress!.deinitialize(count: count) }
      staged.removeLast(count)
      return body(UnsafeBufferPointer(rebasing: buffer[0..<count]))
    }
    return result
  }

  /// Keeps `object` alive for the step; put the returned index in `Node.object`.
  public func retain(_ object: AnyObject) -> Int {
    objects.append(object)
    return objects.count - 1
  }

  // MARK: - Backward

  /// Back-propagates from a scalar `loss` (d loss / d loss = 1).
  public func backward(_ loss: Tensor) {
    precondition(loss.count == 1, "backward: loss must be a scalar, got shape \(loss.shape)")
    var one: Float = 1
    backward(loss, gradient: &one)
  }

  /// Back-propagates the vector-Jacobian product with `gradient` (same count as `output`).
  public func backward(_ output: Tensor, gradient seed: UnsafePointer<Float>) {
    precondition(output.requiresGrad, "backward: the output does not depend on any tracked tensor")
    precondition(!hasRunBackward, "backward: already run on this tape; reset() before the next step")
    hasRunBackward = true
    let root = Int(output.node)
    let g = gradient(output)!
    for i in 0..<output.count { g[i] += seed[i] }
    var i = root
    while i >= 0 {
      if let g = grads[i] {
        nodes[i].op.backward(nodes[i], gradOutput: g, tape: self)
      }
      i -= 1
    }
  }

  /// The gradient buffer of `t` to add into, or nil when `t` is not tracked.
  /// Zeroed on first request. For ops' backward passes.
  @inline(__always)
  public func gradient(_ t: Tensor?) -> UnsafeMutablePointer<Float>? {
    guard let t, t.node >= 0 else { return nil }
    let id = Int(t.node)
    if let g = grads[id] { return g }
    let g = arena.allocateZeroed(nodes[id].output.count)
    grads[id] = g
    return g
  }

  /// After `backward`, a copy of the gradient of a tracked tensor (zeros if nothing reached it).
  public func gradient(of t: Tensor) -> [Float] {
    precondition(t.node >= 0, "gradient(of:): tensor is not tracked")
    guard let g = grads[Int(t.node)] else { return Array(repeating: 0, count: t.count) }
    return Array(UnsafeBufferPointer(start: g, count: t.count))
  }
}
