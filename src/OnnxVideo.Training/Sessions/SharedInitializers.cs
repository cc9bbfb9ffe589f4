using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Ort;

namespace OnnxVideo.Training.Sessions;

/// <summary>
/// Frozen weights read once from the package's safetensors file into memory that ORT uses in place; every session
/// of the package gets the same values through <see cref="OrtSessionOptions.AddInitializer"/>, so they are held once.
/// </summary>
internal sealed class SharedInitializers : IDisposable
{
    /// <summary>
    /// ORT's transpose optimizer (and its per-provider layout pass) may transpose or reshape an initializer with a single
    /// consumer in place, keeping its name; the session then binds the value given to AddInitializer under that name,
    /// with the old layout. A frozen position table behind a Transpose (video_vit's tokens) fails the train step that
    /// way ("Attempting to broadcast an axis by a dimension other than 1. 96 by 128") as soon as a gradient flows
    /// through it (BitFit, LoRA on the patch embedding). Sessions with shared values run without those passes.
    /// </summary>
    internal const string UnsafeOptimizers =
        "TransposeOptimizer;TransposeOptimizer_CPUExecutionProvider;TransposeOptimizer_CUDAExecutionProvider";

    /// <summary>
    /// ORT's fusions that fold a constant into a Conv's weight write the product as a new initializer, while a shared
    /// weight stays alive beside it: a graph whose Conv reads a shared weight directly (the eval graph's frozen convs
    /// and their frozen BatchNorm) would hold every such weight twice. r3d_18 head-only, 2×3×8×112²: the step's peak
    /// 660–790 → 560–590 MiB without them in the eval session, its evaluation as fast (benchmarks/README.md, lever 33).
    /// </summary>
    internal const string WeightCopyingFusions = "ConvBNFusion;ConvMulFusion";

    internal const string DisabledOptimizersKey = "optimization.disable_specified_optimizers";

    private readonly Dictionary<string, OrtValue> _values = new(StringComparer.Ordinal);

    public SharedInitializers(string? safetensorsPath)
    {
        if (safetensorsPath is null)
        {
            return;
        }
        try
        {
            using var file = SafetensorsFile.Open(safetensorsPath);
            foreach (var info in file.Tensors)
            {
                _values[info.Name] = info.DType switch
                {
                    SafetensorsDType.F32 => OrtValue.CreateTensor(file.ReadArray<float>(info.Name), info.Shape),
                    SafetensorsDType.F16 => OrtValue.CreateTensor(file.ReadArray<Half>(info.Name), info.Shape),
                    SafetensorsDType.I64 => OrtValue.CreateTensor(file.ReadArray<long>(info.Name), info.Shape),
                    SafetensorsDType.I32 => OrtValue.CreateTensor(file.ReadArray<int>(info.Name), info.Shape),
                    SafetensorsDType.U8 => OrtValue.CreateTensor(file.ReadArray<byte>(info.Name), info.Shape),
                    _ => throw new TrainingSessionException(safetensorsPath, $"frozen tensor '{info.Name}' has unsupported type {info.DType}"),
                };
            }
        }
        catch (SafetensorsFormatException e)
        {
            Dispose();
            throw new TrainingSessionException(safetensorsPath, e.Problem, e);
        }
    }

    public int Count => _values.Count;

    /// <summary>Adds the shared values that the graph in <paramref name="modelPath"/> declares as initializers.</summary>
    public void AddTo(OrtSessionOptions options, string modelPath)
    {
        if (_values.Count == 0)
        {
            return;
        }
        var model = OnnxModelFile.Load(modelPath, loadExternalData: false);
        var shared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var initializer in model.Graph.Initializer)
        {
            if (_values.TryGetValue(initializer.Name, out var value))
            {
                options.AddInitializer(initializer.Name, value);
                shared.Add(initializer.Name);
            }
        }
        if (shared.Count > 0)
        {
            Disable(options, UnsafeOptimizers);
        }
        if (model.Graph.Node.Any(n => n.OpType == "Conv" && n.Input.Count > 1 && shared.Contains(n.Input[1])))
        {
            Disable(options, WeightCopyingFusions);
        }
    }

    private static void Disable(OrtSessionOptions options, string optimizers) =>
        options.ConfigEntries[DisabledOptimizersKey] = options.ConfigEntries.TryGetValue(DisabledOptimizersKey, out var disabled) && disabled.Length > 0
            ? disabled + ";" + optimizers
            : optimizers;

    public void Dispose()
    {
        foreach (var value in _values.Values)
        {
            value.Dispose();
        }
        _values.Clear();
    }
}
