using OnnxVideo.Export.Tuning;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Export.Packaging;

/// <summary>The graphs of a training package in memory, with frozen weights still inline, and the initial parameters.</summary>
public sealed record CompiledTrainingGraphs(
    ModelProto TrainStep,
    ModelProto Eval,
    ModelProto Gradients,
    ModelProto Optimizer,
    TrainableSelection Selection,
    IReadOnlyList<TensorProto> InitialParameters,
    IReadOnlyList<TensorProto> FrozenInitializers,
    PackageIoNames Io,
    int ClassCount,
    long TrainableParameterCount,
    long FrozenParameterCount);
