using OnnxVideo.Onnx;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Models.Zoo;

/// <summary>
/// Builds a zoo network into a <see cref="GraphBuilder"/> while tracking per-sample shapes, the parameter count and
/// multiply-accumulates. Without a parameter source only the bookkeeping is done (no initializer data), which is how
/// <see cref="ModelZoo.Measure"/> sizes a model cheaply.
/// </summary>
internal sealed class ZooGraph
{
    public const float BatchNormEpsilon = 1e-5f;

    private readonly IZooParameterSource? _parameters;

    public ZooGraph(GraphBuilder builder, IZooParameterSource? parameters)
    {
        Builder = builder;
        _parameters = parameters;
    }

    public GraphBuilder Builder { get; }
    /// <summary>Trainable parameters declared so far (buffers such as running statistics excluded).</summary>
    public long ParameterCount { get; private set; }
    public long MultiplyAccumulates { get; private set; }

    /// <summary>Every parameter and buffer declared so far, in declaration order, with its shape.</summary>
    public IReadOnlyList<(string Name, long[] Shape)> Declared => _declared;

    private readonly List<(string Name, long[] Shape)> _declared = [];

    public void AddMultiplyAccumulates(long count) => MultiplyAccumulates += count;

    /// <summary>Declares a parameter; returns its initializer name (which is <paramref name="name"/>).</summary>
    public string Parameter(string name, long[] shape, ParameterInit init)
    {
        _declared.Add((name, shape));
        if (!init.IsBuffer)
        {
            ParameterCount += shape.Aggregate(1L, (a, d) => a * d);
        }
        if (_parameters is null)
        {
            return name;
        }
        return Builder.AddInitializer(_parameters.Create(name, shape, init));
    }

    /// <summary>Conv3d without bias (as before a BatchNorm); the weight is <c>{prefix}.weight</c>.</summary>
    public ZooValue Conv3d(ZooValue x, string prefix, long outChannels, (int T, int H, int W) kernel,
        (int T, int H, int W) stride, (int T, int H, int W) padding, bool bias = false)
    {
        var (c, t, h, w) = (x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]);
        var weight = Parameter($"{prefix}.weight", [outChannels, c, kernel.T, kernel.H, kernel.W], ParameterInit.KaimingNormalFanOut);
        var inputs = new List<string> { x.Name, weight };
        if (bias)
        {
            inputs.Add(Parameter($"{prefix}.bias", [outChannels], ParameterInit.Zeros));
        }
        long Out(long size, int k, int s, int p) => (size + 2 * p - k) / s + 1;
        long[] shape = [outChannels, Out(t, kernel.T, stride.T, padding.T), Out(h, kernel.H, stride.H, padding.H), Out(w, kernel.W, stride.W, padding.W)];
        if (shape.Skip(1).Any(d => d < 1))
        {
            throw new ArgumentException($"{prefix}: input [{string.Join(", ", x.Shape)}] is too small for kernel {kernel} with stride {stride}");
        }
        var output = Builder.Node("Conv", inputs, new Dictionary<string, object>
        {
            ["kernel_shape"] = new long[] { kernel.T, kernel.H, kernel.W },
            ["strides"] = new long[] { stride.T, stride.H, stride.W },
            ["pads"] = new long[] { padding.T, padding.H, padding.W, padding.T, padding.H, padding.W },
            ["dilations"] = new long[] { 1, 1, 1 },
            ["group"] = 1L,
        }, name: prefix);
        AddMultiplyAccumulates(shape.Aggregate(1L, (a, d) => a * d) * c * kernel.T * kernel.H * kernel.W);
        return new ZooValue(output, shape);
    }

    /// <summary>BatchNorm in inference form with PyTorch's parameter names (weight, bias, running_mean, running_var).</summary>
    public ZooValue BatchNorm(ZooValue x, string prefix, float epsilon = BatchNormEpsilon)
    {
        long[] channels = [x.Channels];
        var inputs = new[]
        {
            x.Name,
            Parameter($"{prefix}.weight", channels, ParameterInit.Ones),
            Parameter($"{prefix}.bias", channels, ParameterInit.Zeros),
            Parameter($"{prefix}.running_mean", channels, ParameterInit.ZerosBuffer),
            Parameter($"{prefix}.running_var", channels, ParameterInit.OnesBuffer),
        };
        var output = Builder.Node("BatchNormalization", inputs, new Dictionary<string, object> { ["epsilon"] = epsilon }, name: prefix);
        return x with { Name = output };
    }

    public ZooValue Relu(ZooValue x) => x with { Name = Builder.Node("Relu", [x.Name]) };

    public ZooValue Add(ZooValue a, ZooValue b)
    {
        if (!a.Shape.SequenceEqual(b.Shape))
        {
            throw new ArgumentException($"cannot add [{string.Join(", ", a.Shape)}] and [{string.Join(", ", b.Shape)}]");
        }
        return a with { Name = Builder.Node("Add", [a.Name, b.Name]) };
    }

    /// <summary>Average over every axis after the channels, then flatten to [N, C].</summary>
    public ZooValue GlobalAveragePool(ZooValue x, string? outputName = null)
    {
        var pooled = Builder.Node("GlobalAveragePool", [x.Name]);
        var flat = Builder.Node("Flatten", [pooled], new Dictionary<string, object> { ["axis"] = 1L }, name: outputName);
        return new ZooValue(flat, [x.Channels]);
    }

    /// <summary>y = x Wᵀ + b as one Gemm, weight [out, in] named <c>{prefix}.weight</c> like torch.nn.Linear.</summary>
    public ZooValue Linear(ZooValue x, string prefix, long outFeatures, ParameterInit weightInit, string? outputName = null)
    {
        var inFeatures = x.Shape[^1];
        var weight = Parameter($"{prefix}.weight", [outFeatures, inFeatures], weightInit);
        var bias = Parameter($"{prefix}.bias", [outFeatures], ParameterInit.Zeros);
        var output = Builder.Node("Gemm", [x.Name, weight, bias], new Dictionary<string, object> { ["transB"] = 1L }, name: outputName ?? prefix);
        AddMultiplyAccumulates(inFeatures * outFeatures);
        return new ZooValue(output, [outFeatures]);
    }

    /// <summary>Declares a float graph output with a dynamic batch dimension.</summary>
    public void Output(ZooValue value)
    {
        var dims = new Dim[value.Shape.Length + 1];
        dims[0] = "N";
        for (var i = 0; i < value.Shape.Length; i++)
        {
            dims[i + 1] = value.Shape[i];
        }
        Builder.Output(value.Name, DataType.Float, dims);
    }
}
