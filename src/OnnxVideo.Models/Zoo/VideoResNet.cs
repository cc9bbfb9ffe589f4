namespace OnnxVideo.Models.Zoo;

/// <summary>
/// torchvision's video ResNets (torchvision.models.video.resnet): same layers, same parameter names
/// (<c>stem.0.weight</c>, <c>layer1.0.conv1.0.weight</c>, <c>fc.weight</c>, …) and the same random initialisation
/// scheme (convolutions kaiming-normal fan_out, BatchNorm weight 1 / bias 0, fc normal(0, 0.01) / bias 0).
/// </summary>
internal sealed class VideoResNet : VideoCnn
{
    /// <summary>How a block convolution is built, as torchvision's conv builders.</summary>
    public enum ConvKind
    {
        /// <summary>3×3×3 (Conv3DSimple).</summary>
        Full3D,
        /// <summary>1×3×3 (Conv3DNoTemporal).</summary>
        NoTemporal,
        /// <summary>1×3×3 spatial then 3×1×1 temporal with BatchNorm+ReLU between (Conv2Plus1D).</summary>
        TwoPlusOneD,
    }

    private static readonly int[] Planes = [64, 128, 256, 512];
    private static readonly int[] BlocksPerLayer = [2, 2, 2, 2];

    private readonly ConvKind[] _layerConvs;
    private readonly bool _twoPlusOneDStem;

    private VideoResNet(string name, string description, ConvKind[] layerConvs, bool twoPlusOneDStem)
    {
        Name = name;
        Description = description;
        _layerConvs = layerConvs;
        _twoPlusOneDStem = twoPlusOneDStem;
    }

    public static VideoResNet R3d18 { get; } = new("r3d_18",
        "torchvision R3D-18: 18-layer ResNet with full 3×3×3 convolutions", [ConvKind.Full3D, ConvKind.Full3D, ConvKind.Full3D, ConvKind.Full3D], false);

    public static VideoResNet Mc3_18 { get; } = new("mc3_18",
        "torchvision MC3-18: 3-D convolutions in layer1, 2-D (1×3×3) convolutions after", [ConvKind.Full3D, ConvKind.NoTemporal, ConvKind.NoTemporal, ConvKind.NoTemporal], false);

    public static VideoResNet R2Plus1d18 { get; } = new("r2plus1d_18",
        "torchvision R(2+1)D-18: every 3-D convolution factorised into spatial 1×3×3 and temporal 3×1×1", [ConvKind.TwoPlusOneD, ConvKind.TwoPlusOneD, ConvKind.TwoPlusOneD, ConvKind.TwoPlusOneD], true);

    public override string Name { get; }
    public override string Description { get; }
    public override ZooValue FeatureMap(ZooGraph g, ZooValue video)
    {
        var x = _twoPlusOneDStem ? R2Plus1dStem(g, video) : BasicStem(g, video);
        long inplanes = 64;
        for (var layer = 0; layer < Planes.Length; layer++)
        {
            var stride = layer == 0 ? 1 : 2;
            for (var block = 0; block < BlocksPerLayer[layer]; block++)
            {
                var prefix = $"layer{layer + 1}.{block}";
                var blockStride = block == 0 ? stride : 1;
                var downsample = block == 0 && (stride != 1 || inplanes != Planes[layer]);
                x = BasicBlock(g, x, prefix, inplanes, Planes[layer], _layerConvs[layer], blockStride, downsample);
                inplanes = Planes[layer];
            }
        }
        return x;
    }

    private static ZooValue BasicStem(ZooGraph g, ZooValue x)
    {
        x = g.Conv3d(x, "stem.0", 64, (3, 7, 7), (1, 2, 2), (1, 3, 3));
        return g.Relu(g.BatchNorm(x, "stem.1"));
    }

    private static ZooValue R2Plus1dStem(ZooGraph g, ZooValue x)
    {
        x = g.Relu(g.BatchNorm(g.Conv3d(x, "stem.0", 45, (1, 7, 7), (1, 2, 2), (0, 3, 3)), "stem.1"));
        return g.Relu(g.BatchNorm(g.Conv3d(x, "stem.3", 64, (3, 1, 1), (1, 1, 1), (1, 0, 0)), "stem.4"));
    }

    private static ZooValue BasicBlock(ZooGraph g, ZooValue x, string prefix, long inplanes, long planes, ConvKind kind, int stride, bool downsample)
    {
        // torchvision sizes the (2+1)D middle width so the factorised pair has about the parameters of one 3×3×3 conv.
        var midplanes = inplanes * planes * 3 * 3 * 3 / (inplanes * 3 * 3 + 3 * planes);
        var residual = x;
        var y = g.Relu(g.BatchNorm(BlockConv(g, x, $"{prefix}.conv1.0", planes, midplanes, kind, stride), $"{prefix}.conv1.1"));
        y = g.BatchNorm(BlockConv(g, y, $"{prefix}.conv2.0", planes, midplanes, kind, 1), $"{prefix}.conv2.1");
        if (downsample)
        {
            var dsStride = kind == ConvKind.NoTemporal ? (1, stride, stride) : (stride, stride, stride);
            residual = g.BatchNorm(g.Conv3d(x, $"{prefix}.downsample.0", planes, (1, 1, 1), dsStride, (0, 0, 0)), $"{prefix}.downsample.1");
        }
        return g.Relu(g.Add(y, residual));
    }

    private static ZooValue BlockConv(ZooGraph g, ZooValue x, string prefix, long outPlanes, long midplanes, ConvKind kind, int stride) => kind switch
    {
        ConvKind.Full3D => g.Conv3d(x, prefix, outPlanes, (3, 3, 3), (stride, stride, stride), (1, 1, 1)),
        ConvKind.NoTemporal => g.Conv3d(x, prefix, outPlanes, (1, 3, 3), (1, stride, stride), (0, 1, 1)),
        ConvKind.TwoPlusOneD => g.Conv3d(
            g.Relu(g.BatchNorm(g.Conv3d(x, $"{prefix}.0", midplanes, (1, 3, 3), (1, stride, stride), (0, 1, 1)), $"{prefix}.1")),
            $"{prefix}.3", outPlanes, (3, 1, 1), (stride, 1, 1), (1, 0, 0)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
