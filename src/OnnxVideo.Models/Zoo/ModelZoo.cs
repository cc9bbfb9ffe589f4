using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Models.Zoo;

/// <summary>
/// The video architectures OnnxVideo builds directly as ONNX graphs (opset 17). Every model takes
/// <c>video</c> [N, 3, T, S, S] (NCTHW, float; <c>video_vit</c> takes NTCHW [N, T, 3, S, S], see
/// <see cref="ZooArchitecture.InputLayout"/>) and returns <c>logits</c> [N, classes]; with
/// <see cref="ZooOptions.FeaturesOutput"/> it also returns <c>features</c> [N, F], the pooled penultimate activations.
/// </summary>
internal static class ModelZoo
{
    public const string InputName = "video";
    public const string LogitsName = "logits";
    public const string FeaturesName = "features";
    public const int Opset = 17;

    private static readonly List<ZooArchitecture> Registered =
    [
        Tiny3d.Instance,
        VideoResNet.R3d18,
        VideoResNet.Mc3_18,
        VideoResNet.R2Plus1d18,
        VideoVit.Default,
        VideoVit.Tiny,
    ];

    public static IReadOnlyList<ZooArchitecture> Architectures => Registered;

    /// <summary>Adds an architecture (e.g. one defined in another file of this library); names must be unique.</summary>
    public static void Register(ZooArchitecture architecture)
    {
        lock (Registered)
        {
            if (Registered.Any(a => a.Name == architecture.Name))
            {
                throw new ArgumentException($"architecture '{architecture.Name}' is already registered");
            }
            Registered.Add(architecture);
        }
    }

    public static ZooArchitecture Get(string name) =>
        Registered.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new UnknownArchitectureException(name, Registered.Select(a => a.Name));

    /// <summary>Builds the inference model, random-initialised or with the weights of <see cref="ZooOptions.WeightsPath"/>.</summary>
    public static ModelProto Build(string architecture, ZooOptions options) => Build(Get(architecture), options);

    public static ModelProto Build(ZooArchitecture architecture, ZooOptions options)
    {
        if (options.DropPathRate != 0)
        {
            architecture = architecture is VideoVit vit
                ? vit.WithDropPath(options.DropPathRate)
                : throw new ArgumentException($"{architecture.Name}: drop path applies to transformer architectures (video_vit) only");
        }
        var (frames, size) = Resolve(architecture, options);
        if (options.WeightsPath is null)
        {
            return BuildWith(architecture, options, frames, size, new RandomParameterSource(options.Seed));
        }
        using var weights = options.NewHead
            ? new WeightsFileParameterSource(options.WeightsPath, architecture.HeadParameters.ToHashSet(), new RandomParameterSource(options.Seed))
            : new WeightsFileParameterSource(options.WeightsPath);
        var model = BuildWith(architecture, options, frames, size, weights);
        weights.ThrowIfMismatched(architecture.Name, mismatches => ClassCountHint(architecture, mismatches, options.Classes));
        return model;
    }

    /// <summary>Parameter count and multiply-accumulates per clip, without materialising any weights.</summary>
    public static ZooModelStats Measure(string architecture, int classes, int? frames = null, int? size = null)
    {
        var arch = Get(architecture);
        var (t, s) = Resolve(arch, new ZooOptions { Classes = classes, Frames = frames, Size = size });
        var graph = new ZooGraph(new GraphBuilder(arch.Name), parameters: null);
        arch.Define(graph, new ZooValue(InputName, arch.InputShape(t, s)), classes);
        return new ZooModelStats(arch.Name, classes, t, s, graph.ParameterCount, graph.MultiplyAccumulates);
    }

    private static ModelProto BuildWith(ZooArchitecture architecture, ZooOptions options, int frames, int size, IZooParameterSource parameters)
    {
        var builder = new GraphBuilder(architecture.Name);
        var sample = architecture.InputShape(frames, size);
        builder.Input(InputName, DataType.Float, [(Dim)"N", .. sample.Select(d => (Dim)d)]);
        var graph = new ZooGraph(builder, parameters);
        var outputs = architecture.Define(graph, new ZooValue(InputName, sample), options.Classes);
        if (outputs.Logits.Name != LogitsName || outputs.Features.Name != FeaturesName)
        {
            throw new InvalidOperationException($"architecture {architecture.Name} must name its outputs '{LogitsName}' and '{FeaturesName}'");
        }
        graph.Output(outputs.Logits);
        if (options.FeaturesOutput)
        {
            graph.Output(outputs.Features);
        }
        return OnnxModels.Create(builder.Graph, Opset);
    }

    private static (int Frames, int Size) Resolve(ZooArchitecture architecture, ZooOptions options)
    {
        var frames = options.Frames ?? architecture.DefaultFrames;
        var size = options.Size ?? architecture.DefaultSize;
        if (options.Classes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"classes must be >= 1 (got {options.Classes})");
        }
        if (frames < 1 || size < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"frames and size must be >= 1 (got {frames} and {size})");
        }
        return (frames, size);
    }

    private static string? ClassCountHint(ZooArchitecture architecture, IReadOnlyList<ZooShapeMismatch> mismatches, int classes)
    {
        var head = mismatches.Where(m => architecture.HeadParameters.Contains(m.Name)).ToList();
        if (head.Count == 0 || head.Any(m => m.Found.Length == 0 || m.Found.Length != m.Expected.Length || !m.Found.Skip(1).SequenceEqual(m.Expected.Skip(1))))
        {
            return null;
        }
        return $"class count mismatch: the weights' head has {head[0].Found[0]} classes, {classes} were asked for; to keep only the backbone ask for a new head (ZooOptions.NewHead, onnxvideo-export create --new-head)";
    }
}
