using OnnxVideo.Autodiff;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Ort;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Export.Tests.Autodiff;

/// <summary>Whole zoo graphs differentiate with the registry's rules; tiny3d's and video_vit's gradients match directional finite differences.</summary>
public sealed class ZooModelGradientTests
{
    public static IEnumerable<object[]> Architectures => ModelZoo.Architectures.Select(a => new object[] { a.Name });

    private static (GraphBuilder Graph, string Loss, GradientResult Result, string[] Parameters) Differentiate(string architecture, int frames, int size)
    {
        var model = ModelZoo.Build(architecture, new ZooOptions { Classes = 3, Frames = frames, Size = size, Seed = 3 });
        var g = GraphBuilder.Wrap(model.Graph);
        var labels = g.Input("labels", DataType.Int64, "N");
        var loss = Losses.SoftmaxCrossEntropy(g, ModelZoo.LogitsName, labels, 0.1f);
        var frozen = model.Graph.Node.Where(n => n.OpType == "BatchNormalization").SelectMany(n => n.Input.Skip(3)).ToHashSet();
        var parameters = model.Graph.Initializer.Where(t => t.DataType == (int)DataType.Float && t.Dims.Count > 0 && !frozen.Contains(t.Name))
            .Select(t => t.Name).ToArray();
        int before = model.Graph.Node.Count;
        var result = AutoDiff.AppendGradients(g, loss, parameters);
        Assert.All(model.Graph.Node.Skip(before), n => Assert.Equal("", n.Domain));
        return (g, loss, result, parameters);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void EveryZooArchitectureDifferentiates(string architecture)
    {
        var (_, _, result, parameters) = Differentiate(architecture, frames: 4, size: 32);
        Assert.Equal(parameters.Length, result.Gradients.Count);
        Assert.All(ModelZoo.Get(architecture).HeadParameters, head => Assert.Contains(head, parameters));
    }

    [Theory]
    [InlineData("tiny3d", 4, 16)]
    [InlineData("video_vit", 4, 32)]
    public void GradientMatchesDirectionalFiniteDifferences(string architecture, int frames, int size)
    {
        var (g, loss, result, parameters) = Differentiate(architecture, frames, size);
        var initializers = g.Graph.Initializer.ToDictionary(t => t.Name);
        foreach (var p in parameters) g.Output(result.GradientOf(p), DataType.Float);
        g.Output(loss, DataType.Float);
        // Parameters become session inputs so they can be perturbed; everything else stays an initializer.
        var values = parameters.Select(p => TensorProtos.ToFloats(initializers[p])).ToArray();
        var shapes = parameters.Select(p => initializers[p].Dims.ToArray()).ToArray();
        foreach (var p in parameters)
        {
            var t = initializers[p];
            g.Graph.Initializer.Remove(t);
            g.Graph.Input.Add(GraphBuilder.ValueInfo(p, DataType.Float, t.Dims.Select(d => (Dim)d).ToArray()));
        }
        using var session = new OrtSession(OnnxModelFile.ToBytes(OnnxModels.Create(g.Graph)), new OrtSessionOptions { IntraOpThreads = 1 });
        var random = new Random(11);
        // The layout is the architecture's own (NCTHW or NTCHW): take the declared input dims with batch 2.
        var videoShape = g.Graph.Input.First(i => i.Name == ModelZoo.InputName).Type.TensorType.Shape.Dim
            .Select((d, i) => i == 0 ? 2L : d.DimValue).ToArray();
        var video = Enumerable.Range(0, 2 * 3 * frames * size * size).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        long[] labels = [0, 2];

        float[][] Run(float[][] parameterValues, IReadOnlyList<string> outputs)
        {
            var inputs = new List<OrtValue> { OrtValue.CreateTensor(video, videoShape), OrtValue.CreateTensor(labels, 2) };
            inputs.AddRange(parameterValues.Select((v, i) => OrtValue.CreateTensor(v, shapes[i])));
            try
            {
                var results = session.Run([ModelZoo.InputName, "labels", .. parameters], inputs, outputs);
                var arrays = results.Select(r => r.ToArray<float>()).ToArray();
                foreach (var r in results) r.Dispose();
                return arrays;
            }
            finally
            {
                foreach (var v in inputs) v.Dispose();
            }
        }

        var gradients = Run(values, parameters.Select(result.GradientOf).ToArray());
        double norm = Math.Sqrt(gradients.Sum(a => a.Sum(v => (double)v * v)));
        Assert.True(norm > 1e-3, $"gradient norm {norm}");
        // Direction 1: the gradient itself (slope = |g|). Direction 2: random signs (checks every layer's sign and scale).
        var directions = new[]
        {
            gradients.Select(a => a.Select(v => (float)(v / norm)).ToArray()).ToArray(),
            gradients.Select(a => a.Select(_ => random.Next(2) == 0 ? -1f : 1f).ToArray()).ToArray(),
        };
        foreach (var direction in directions)
        {
            double scale = Math.Sqrt(direction.Sum(a => a.Sum(v => (double)v * v)));
            double h = 1e-2 / scale;
            double slope = gradients.Zip(direction).Sum(p => p.First.Zip(p.Second).Sum(q => (double)q.First * q.Second));
            float[][] Shifted(double s) => values.Zip(direction).Select(p => p.First.Zip(p.Second).Select(q => (float)(q.First + s * q.Second)).ToArray()).ToArray();
            double plus = Run(Shifted(h), [loss])[0][0], minus = Run(Shifted(-h), [loss])[0][0];
            double numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(numeric - slope) <= 0.05 * Math.Abs(slope) + 1e-3, $"directional derivative: analytic {slope}, finite differences {numeric}");
        }
    }
}
