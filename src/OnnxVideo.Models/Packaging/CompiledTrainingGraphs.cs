using OnnxVideo.Export.Tuning;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Export.Packaging;

/// <summary>The graphs of a training package in memory, with frozen weights still inline, the initial parameters and the initial running statistics of training-mode BatchNormalization.</summary>
internal sealed record CompiledTrainingGraphs(
    ModelProto TrainStep,
    ModelProto Eval,
    ModelProto Gradients,
    ModelProto Optimizer,
    TrainableSelection Selection,
    IReadOnlyList<TensorProto> InitialParameters,
    IReadOnlyList<TensorProto> InitialBuffers,
    IReadOnlyList<TensorProto> FrozenInitializers,
    PackageIoNames Io,
    int ClassCount,
    long TrainableParameterCount,
    long FrozenParameterCount);
