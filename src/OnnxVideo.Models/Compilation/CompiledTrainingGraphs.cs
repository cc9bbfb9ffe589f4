using OnnxVideo.Packaging.Tuning;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Packaging;

namespace OnnxVideo.Models.Compilation;

/// <summary>
/// The graphs of a training package in memory, with frozen weights still inline, the initial parameters, the initial
/// running statistics of training-mode BatchNormalization and each parameter's learning-rate scale.
/// </summary>
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
    long FrozenParameterCount,
    IReadOnlyDictionary<string, float> LearningRateScales,
    IReadOnlyList<PackageDropoutSite> DropoutSites,
    ModelProto? InputGradient = null,
    CaptionGraphs? Caption = null);
