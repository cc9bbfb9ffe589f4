using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Export.Tests.Zoo;

public sealed class ModelZooTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, int, int, long> EveryArchitecture => new()
    {
        { "tiny3d", 8, 64, 64 },
        { "r3d_18", 4, 32, 512 },
        { "mc3_18", 4, 32, 512 },
        { "r2plus1d_18", 4, 32, 512 },
    };

    [Theory]
    [MemberData(nameof(EveryArchitecture))]
    public void RandomlyInitialisedModelRunsOnABatchOfTwoWithTheDocumentedShapes(string arch, int frames, int size, long featureCount)
    {
        var model = ModelZoo.Build(arch, new ZooOptions { Classes = 5, Frames = frames, Size = size, Seed = 3, FeaturesOutput = true });
        Assert.Equal(17, OnnxModels.DefaultOpset(model));
        var input = Assert.Single(model.Graph.Input);
        Assert.Equal(ModelZoo.InputName, input.Name);
        Assert.Equal(["N", "3", $"{frames}", $"{size}", $"{size}"],
            input.Type.TensorType.Shape.Dim.Select(d => d.DimParam.Length > 0 ? d.DimParam : d.DimValue.ToString()));

        var random = new Random(11);
        var clip = Enumerable.Range(0, 2 * 3 * frames * size * size).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
        var outputs = OrtModelRunner.RunAll(model, clip, 2, 3, frames, size, size);
        Assert.Equal(new long[] { 2, 5 }, outputs[ModelZoo.LogitsName].Shape);
        Assert.Equal(new[] { 2, featureCount }, outputs[ModelZoo.FeaturesName].Shape);
        Assert.All(outputs[ModelZoo.LogitsName].Data, v => Assert.True(float.IsFinite(v)));
        // Different clips give different logits (the network is not constant).
        var logits = outputs[ModelZoo.LogitsName].Data;
        Assert.NotEqual(logits[..5], logits[5..]);
    }

    [Fact]
    public void WithoutFeaturesRequestedTheOnlyOutputIsLogits()
    {
        var model = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 3 });
        var output = Assert.Single(model.Graph.Output);
        Assert.Equal(ModelZoo.LogitsName, output.Name);
    }

    [Fact]
    public void RandomInitialisationFollowsTheDocumentedDistributions()
    {
        var model = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 400, Seed = 5 });
        float[] Values(string name) => TensorProtos.ToFloats(model.Graph.Initializer.Single(t => t.Name == name));
        static (double Mean, double Std) Moments(float[] v)
        {
            var mean = v.Average(x => (double)x);
            return (mean, Math.Sqrt(v.Average(x => (x - mean) * (x - mean))));
        }

        // Kaiming normal, fan_out = out_channels × kernel volume, gain sqrt(2).
        var (mean, std) = Moments(Values("stages.1.0.weight"));
        Assert.InRange(std, 0.98 * Math.Sqrt(2.0 / (32 * 27)), 1.02 * Math.Sqrt(2.0 / (32 * 27)));
        Assert.InRange(mean, -0.002, 0.002);
        (_, std) = Moments(Values("stages.3.0.weight"));
        Assert.InRange(std, 0.98 * Math.Sqrt(2.0 / (64 * 27)), 1.02 * Math.Sqrt(2.0 / (64 * 27)));
        (_, std) = Moments(Values("fc.weight"));
        Assert.InRange(std, 0.0098, 0.0102);
        Assert.All(Values("fc.bias"), v => Assert.Equal(0f, v));
        Assert.All(Values("stages.0.1.weight"), v => Assert.Equal(1f, v));
        Assert.All(Values("stages.2.1.running_var"), v => Assert.Equal(1f, v));
        Assert.All(Values("stages.2.1.running_mean"), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void TheSeedDeterminesTheWeights()
    {
        static Dictionary<string, float[]> Weights(int seed) =>
            ModelZoo.Build("tiny3d", new ZooOptions { Classes = 4, Seed = seed }).Graph.Initializer
                .ToDictionary(t => t.Name, TensorProtos.ToFloats);
        var a = Weights(1);
        var b = Weights(1);
        var c = Weights(2);
        Assert.Equal(a.Keys, b.Keys);
        Assert.All(a, kv => Assert.Equal(kv.Value, b[kv.Key]));
        Assert.NotEqual(a["stages.0.0.weight"], c["stages.0.0.weight"]);
    }

    [Fact]
    public void WeightsSavedFromAModelLoadBackIdentically()
    {
        var original = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 4, Seed = 9 });
        var path = _dir.File("tiny.safetensors");
        SafetensorsWriter.WriteFile(path, ZooTestWeights.FromModel(original));
        var loaded = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 4, Seed = 123, WeightsPath = path });
        Assert.Equal(original.Graph.Initializer.Count, loaded.Graph.Initializer.Count);
        foreach (var t in original.Graph.Initializer)
        {
            var other = loaded.Graph.Initializer.Single(x => x.Name == t.Name);
            Assert.Equal(t.Dims, other.Dims);
            Assert.Equal(TensorProtos.ToFloats(t), TensorProtos.ToFloats(other));
        }
    }

    [Fact]
    public void HalfPrecisionWeightsAreWidenedToFloat()
    {
        var original = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 2, Seed = 4 });
        var tensors = original.Graph.Initializer.Select(t =>
        {
            var halves = TensorProtos.ToFloats(t).Select(v => (Half)v).ToArray();
            return new SafetensorsTensor(t.Name, SafetensorsDType.F16, t.Dims.ToArray(),
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(halves.AsSpan()).ToArray());
        }).ToList();
        var path = _dir.File("half.safetensors");
        SafetensorsWriter.WriteFile(path, tensors);
        var loaded = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 2, WeightsPath = path });
        var expected = TensorProtos.ToFloats(original.Graph.Initializer.Single(t => t.Name == "stages.1.0.weight")).Select(v => (float)(Half)v);
        Assert.Equal(expected, TensorProtos.ToFloats(loaded.Graph.Initializer.Single(t => t.Name == "stages.1.0.weight")));
    }

    [Fact]
    public void WeightsThatDoNotFitListEveryMissingUnexpectedAndMisshapenTensor()
    {
        var tensors = ZooTestWeights.FromModel(ModelZoo.Build("tiny3d", new ZooOptions { Classes = 4 }));
        tensors.RemoveAll(t => t.Name == "stages.2.1.running_var");
        tensors.Add(SafetensorsTensor.FromFloats("head.extra", [1f], 1));
        tensors.Add(new SafetensorsTensor("stages.0.1.num_batches_tracked", SafetensorsDType.I64, [], new byte[8]));
        var index = tensors.FindIndex(t => t.Name == "stages.1.0.weight");
        tensors[index] = SafetensorsTensor.FromFloats("stages.1.0.weight", new float[32 * 16 * 9], 32, 16, 1, 3, 3);
        var path = _dir.File("bad.safetensors");
        SafetensorsWriter.WriteFile(path, tensors);

        var error = Assert.Throws<ZooWeightsMismatchException>(() => ModelZoo.Build("tiny3d", new ZooOptions { Classes = 4, WeightsPath = path }));
        Assert.Equal(["stages.2.1.running_var"], error.Missing);
        Assert.Equal(["head.extra"], error.Unexpected);
        var mismatch = Assert.Single(error.ShapeMismatches);
        Assert.Equal("stages.1.0.weight", mismatch.Name);
        Assert.Equal(new long[] { 32, 16, 3, 3, 3 }, mismatch.Expected);
        Assert.Equal(new long[] { 32, 16, 1, 3, 3 }, mismatch.Found);
        Assert.Contains(path, error.Message);
        Assert.Contains("stages.2.1.running_var", error.Message);
        Assert.Contains("head.extra", error.Message);
        Assert.Contains("stages.1.0.weight expected [32, 16, 3, 3, 3] found [32, 16, 1, 3, 3]", error.Message);
    }

    [Fact]
    public void WeightsForAnotherClassCountAreReportedAsAClassCountMismatch()
    {
        var path = _dir.File("five.safetensors");
        SafetensorsWriter.WriteFile(path, ZooTestWeights.FromModel(ModelZoo.Build("tiny3d", new ZooOptions { Classes = 5 })));
        var error = Assert.Throws<ZooWeightsMismatchException>(() => ModelZoo.Build("tiny3d", new ZooOptions { Classes = 3, WeightsPath = path }));
        Assert.Contains("class count mismatch: the weights' head has 5 classes, 3 were asked for", error.Message);
        Assert.Equal(["fc.bias", "fc.weight"], error.ShapeMismatches.Select(m => m.Name).Order());
    }

    [Fact]
    public void UnknownArchitectureListsTheKnownOnes()
    {
        var error = Assert.Throws<UnknownArchitectureException>(() => ModelZoo.Build("resnet9000", new ZooOptions()));
        Assert.Contains("'resnet9000'", error.Message);
        foreach (var known in new[] { "tiny3d", "r3d_18", "mc3_18", "r2plus1d_18" })
        {
            Assert.Contains(known, error.Message);
        }
    }

    [Fact]
    public void TorchvisionCountsAtTheirPublishedSettingsMatchTheirModelCards()
    {
        // torchvision's model cards: parameters and "GFLOPS" (multiply-accumulates) at 16×112×112 with 400 classes.
        var expected = new Dictionary<string, (long Params, double GMacs)>
        {
            ["r3d_18"] = (33_371_472, 40.70),
            ["mc3_18"] = (11_695_440, 43.34),
            ["r2plus1d_18"] = (31_505_325, 40.52),
        };
        foreach (var (arch, (parameters, gmacs)) in expected)
        {
            var stats = ModelZoo.Measure(arch, 400, 16, 112);
            Assert.Equal(parameters, stats.Parameters);
            Assert.Equal(gmacs, Math.Round(stats.GMacs, 2));
            Assert.Equal(2 * stats.GMacs, stats.GFlops, 9);
        }
    }

    [Fact]
    public void NewHeadKeepsTheBackboneAndStartsAFreshHeadForTheAskedClasses()
    {
        var source = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 5, Seed = 6 });
        var path = _dir.File("five-classes.safetensors");
        SafetensorsWriter.WriteFile(path, ZooTestWeights.FromModel(source));
        var model = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 3, WeightsPath = path, NewHead = true, Seed = 6 });
        TensorProto Get(ModelProto m, string name) => m.Graph.Initializer.Single(t => t.Name == name);
        Assert.Equal(TensorProtos.ToFloats(Get(source, "stages.3.0.weight")), TensorProtos.ToFloats(Get(model, "stages.3.0.weight")));
        Assert.Equal(TensorProtos.ToFloats(Get(source, "stages.3.1.running_var")), TensorProtos.ToFloats(Get(model, "stages.3.1.running_var")));
        Assert.Equal(new long[] { 3, 64 }, Get(model, "fc.weight").Dims);
        Assert.All(TensorProtos.ToFloats(Get(model, "fc.bias")), v => Assert.Equal(0f, v));
        Assert.Contains(TensorProtos.ToFloats(Get(model, "fc.weight")), v => v != 0f);
    }
}
