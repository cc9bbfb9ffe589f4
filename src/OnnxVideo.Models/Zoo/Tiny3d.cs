namespace OnnxVideo.Models.Zoo;

/// <summary>
/// A small 3-D CNN for tests and the demo: four Conv3d(3×3×3, no bias) + BatchNorm + ReLU stages, global average pool
/// and a linear head. Stages 2 and 3 also stride in time, so motion direction is learnt early. About 181 k
/// parameters; ~0.07 GFLOPs per 8×64×64 clip. Initialisation as torchvision's video ResNets.
/// Parameter names: <c>stages.{i}.0.weight</c> (conv), <c>stages.{i}.1.*</c> (BatchNorm), <c>fc.weight</c>, <c>fc.bias</c>.
/// </summary>
internal sealed class Tiny3d : VideoCnn
{
    private static readonly (int Channels, int TemporalStride)[] Stages = [(16, 1), (32, 2), (64, 2), (64, 1)];

    public static Tiny3d Instance { get; } = new();

    public override string Name => "tiny3d";
    public override string Description => "small 3-D CNN (4 × Conv3d+BN+ReLU, ~181 k parameters before the head) for tests, demos and quick training";
    public override int DefaultFrames => 8;
    public override int DefaultSize => 64;
    public override ZooValue FeatureMap(ZooGraph g, ZooValue video)
    {
        var x = video;
        for (var i = 0; i < Stages.Length; i++)
        {
            var (channels, temporalStride) = Stages[i];
            // Short clips cannot be halved in time forever; stop striding once a single frame is left.
            var tStride = x.Shape[1] >= 2 ? temporalStride : 1;
            x = g.Conv3d(x, $"stages.{i}.0", channels, (3, 3, 3), (tStride, 2, 2), (1, 1, 1));
            x = g.Relu(g.BatchNorm(x, $"stages.{i}.1"));
        }
        return x;
    }
}
