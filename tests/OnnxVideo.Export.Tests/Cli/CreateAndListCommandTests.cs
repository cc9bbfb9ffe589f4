using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Export.Tests.Zoo;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Export.Tests.Cli;

public sealed class CreateAndListCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void CreateWritesAModelWithItsContractAndLabels()
    {
        var labels = _dir.File("labels.txt");
        File.WriteAllLines(labels, ["left", "", "  right  ", "up"]);
        var output = _dir.File("model.onnx");
        var (code, stdout, stderr) = CliProcess.RunExport("create", "--arch", "tiny3d", "--classes", labels, "--frames", "6", "--size", "48", "--out", output, "--seed", "2");
        Assert.True(code == 0, stderr);
        Assert.Contains("tiny3d, 3 classes", stdout);

        var model = OnnxModelFile.Load(output);
        var contract = ModelContracts.Read(model, output);
        Assert.NotNull(contract);
        Assert.Equal(["left", "right", "up"], contract.Labels);
        Assert.Equal(6, contract.Frames);
        Assert.Equal(48, contract.CropSize);
        Assert.Equal(3, ModelContracts.FixedLastDimension(model, ModelZoo.LogitsName));
        var expected = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 3, Frames = 6, Size = 48, Seed = 2 });
        Assert.Equal(TensorProtos.ToFloats(expected.Graph.Initializer[0]), TensorProtos.ToFloats(model.Graph.Initializer[0]));
    }

    [Fact]
    public void CreateLoadsSafetensorsWeights()
    {
        var source = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 4, Seed = 8 });
        var weights = _dir.File("w.safetensors");
        SafetensorsWriter.WriteFile(weights, ZooTestWeights.FromModel(source));
        var output = _dir.File("m.onnx");
        var (code, _, stderr) = CliProcess.RunExport("create", "--arch", "tiny3d", "--classes", "4", "--out", output, "--weights", weights);
        Assert.True(code == 0, stderr);
        var model = OnnxModelFile.Load(output);
        var fc = model.Graph.Initializer.Single(t => t.Name == "fc.weight");
        Assert.Equal(TensorProtos.ToFloats(source.Graph.Initializer.Single(t => t.Name == "fc.weight")), TensorProtos.ToFloats(fc));
        Assert.Equal(["class_0", "class_1", "class_2", "class_3"], ModelContracts.Read(model)!.Labels);
    }

    [Fact]
    public void ListShowsEveryArchitectureWithItsCounts()
    {
        var (code, stdout, stderr) = CliProcess.RunExport("list", "--frames", "16", "--size", "112");
        Assert.True(code == 0, stderr);
        Assert.Contains("33,371,472", stdout.Split('\n').Single(l => l.StartsWith("r3d_18 ")));
        Assert.Contains("81.39", stdout.Split('\n').Single(l => l.StartsWith("r3d_18 ")));
        Assert.Contains("11,695,440", stdout.Split('\n').Single(l => l.StartsWith("mc3_18 ")));
        Assert.Contains("31,505,325", stdout.Split('\n').Single(l => l.StartsWith("r2plus1d_18 ")));
        Assert.Contains(stdout.Split('\n'), l => l.StartsWith("tiny3d "));
        // 112 is a multiple of video_vit's patch of 16; 56 is not, which costs video_vit its row, not the listing.
        Assert.Contains(stdout.Split('\n'), l => l.StartsWith("video_vit ") && l.Contains("16×3×112×112"));
        Assert.Contains(stdout.Split('\n'), l => l.StartsWith("video_caption ") && l.Contains("8×3×32×32") && l.Contains("transformer decoder"));
        var (code56, stdout56, stderr56) = CliProcess.RunExport("list", "--size", "56");
        Assert.True(code56 == 0, stderr56);
        Assert.Contains(stdout56.Split('\n'), l => l.StartsWith("tiny3d ") && l.Contains("3×8×56×56"));
        Assert.Matches(@"\nvideo_vit +not available for this clip shape: video_vit: input size 56 must be a positive multiple of the patch size 16", stdout56);
        var (codeBad, _, stderrBad) = CliProcess.RunExport("list", "--classes", "0");
        Assert.Equal(2, codeBad);
        Assert.Contains("classes must be >= 1", stderrBad);
    }

    public static TheoryData<string, string[], string> BadInvocations => new()
    {
        { "unknown architecture", ["--arch", "vgg3d", "--classes", "3"], "unknown architecture 'vgg3d'; known architectures: tiny3d, r3d_18, mc3_18, r2plus1d_18, video_vit" },
        { "missing labels file", ["--arch", "tiny3d", "--classes", "no-such-labels.txt"], "no-such-labels.txt: labels file not found" },
        { "missing weights file", ["--arch", "tiny3d", "--classes", "3", "--weights", "absent.safetensors"], "absent.safetensors: weights file not found" },
        { "zero classes", ["--arch", "tiny3d", "--classes", "0"], "class count must be between 1 and 1000000" },
    };

    [Theory]
    [MemberData(nameof(BadInvocations))]
    public void BadInputGivesOneClearMessageAndANonZeroExit(string caseName, string[] args, string expected)
    {
        var output = _dir.File(caseName + ".onnx");
        var (code, _, stderr) = CliProcess.RunExport(["create", .. args, "--out", output]);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void DropPathIsRefusedOnConvolutionalArchitecturesAndAddsStochasticDepthToVideoVit()
    {
        var cnn = CliProcess.RunExport("create", "--arch", "tiny3d", "--classes", "2", "--drop-path", "0.1", "--out", _dir.File("cnn.onnx"));
        Assert.Equal(2, cnn.ExitCode);
        Assert.Contains("drop path applies to transformer architectures (video_vit) only", cnn.Stderr);
        var output = _dir.File("vit.onnx");
        var vit = CliProcess.RunExport("create", "--arch", "video_vit", "--classes", "2", "--frames", "2", "--size", "16", "--drop-path", "0.2", "--out", output);
        Assert.True(vit.ExitCode == 0, vit.Stderr);
        // 12 blocks: block 0 has rate 0, blocks 1…11 drop both residual branches.
        Assert.Equal(22, OnnxModelFile.Load(output).Graph.Node.Count(n => n.OpType == "Dropout"));
    }

    [Fact]
    public void WeightsForAnotherClassCountAndWrongNamesAreListed()
    {
        var tensors = ZooTestWeights.FromModel(ModelZoo.Build("tiny3d", new ZooOptions { Classes = 10 }));
        tensors.RemoveAll(t => t.Name == "stages.3.0.weight");
        tensors.Add(SafetensorsTensor.FromFloats("classifier.weight", [0f], 1));
        var weights = _dir.File("ten.safetensors");
        SafetensorsWriter.WriteFile(weights, tensors);
        var output = _dir.File("x.onnx");
        var (code, _, stderr) = CliProcess.RunExport("create", "--arch", "tiny3d", "--classes", "3", "--weights", weights, "--out", output);
        Assert.NotEqual(0, code);
        Assert.Contains("class count mismatch: the weights' head has 10 classes, 3 were asked for", stderr);
        Assert.Contains("--new-head", stderr);
        Assert.Contains("1 missing: stages.3.0.weight", stderr);
        Assert.Contains("1 unexpected: classifier.weight", stderr);
        Assert.Contains("fc.weight expected [3, 64] found [10, 64]", stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void MalformedWeightsFileIsNamedInTheError()
    {
        var weights = _dir.File("junk.safetensors");
        File.WriteAllBytes(weights, [1, 2, 3, 4, 5]);
        var (code, _, stderr) = CliProcess.RunExport("create", "--arch", "tiny3d", "--classes", "3", "--weights", weights, "--out", _dir.File("y.onnx"));
        Assert.NotEqual(0, code);
        Assert.Contains($"{weights}: invalid safetensors file: truncated", stderr);
    }

    [Fact]
    public void NewHeadTurnsWeightsForOtherClassesIntoAModelForTheGivenLabels()
    {
        var weights = _dir.File("kinetics-like.safetensors");
        SafetensorsWriter.WriteFile(weights, ZooTestWeights.FromModel(ModelZoo.Build("tiny3d", new ZooOptions { Classes = 10 })));
        var output = _dir.File("mine.onnx");
        var (code, _, stderr) = CliProcess.RunExport("create", "--arch", "tiny3d", "--classes", "2", "--weights", weights, "--new-head", "--out", output);
        Assert.True(code == 0, stderr);
        Assert.Equal(2, ModelContracts.FixedLastDimension(OnnxModelFile.Load(output), ModelZoo.LogitsName));
    }

    /// <summary>The model's initializers as a torch.save-style zip checkpoint written by hand, keys optionally prefixed.</summary>
    private string WritePth(string name, IEnumerable<(string Name, float[] Values, long[] Shape)> tensors, string prefix = "")
    {
        var list = tensors.ToList();
        var pickle = PickleWriter.StateDict(list.Select((t, i) => (prefix + t.Name, $"{i}", t.Shape)).ToArray());
        var path = _dir.File(name);
        TorchZipWriter.Write(path, pickle, list.Select((t, i) => (Key: $"{i}", Bytes: TorchZipWriter.Floats(t.Values))).ToDictionary(e => e.Key, e => e.Bytes));
        return path;
    }

    private static IEnumerable<(string Name, float[] Values, long[] Shape)> Parameters(ModelProto model) =>
        model.Graph.Initializer.Select(t => (t.Name, TensorProtos.ToFloats(t), t.Dims.ToArray()));

    [Fact]
    public void CreateLoadsAPyTorchCheckpoint()
    {
        var source = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 4, Seed = 8 });
        var weights = WritePth("w.pth", Parameters(source), prefix: "module.");
        var output = _dir.File("m.onnx");
        var (code, stdout, stderr) = CliProcess.RunExport("create", "--arch", "tiny3d", "--classes", "4", "--out", output, "--weights", weights);
        Assert.True(code == 0, stderr);
        Assert.Contains($"weights {weights}", stdout);
        var model = OnnxModelFile.Load(output);
        foreach (var expected in source.Graph.Initializer)
        {
            Assert.Equal(TensorProtos.ToFloats(expected), TensorProtos.ToFloats(model.Graph.Initializer.Single(t => t.Name == expected.Name)));
        }
    }

    [Fact]
    public void ACheckpointWithMissingAndUnexpectedKeysIsListed()
    {
        var tensors = Parameters(ModelZoo.Build("tiny3d", new ZooOptions { Classes = 3 })).Where(t => t.Name != "stages.3.0.weight")
            .Append(("classifier.weight", [0f], [1]));
        var weights = WritePth("keys.pth", tensors);
        var output = _dir.File("k.onnx");
        var (code, _, stderr) = CliProcess.RunExport("create", "--arch", "tiny3d", "--classes", "3", "--weights", weights, "--out", output);
        Assert.Equal(2, code);
        Assert.Contains($"{weights}: weights do not fit tiny3d; 1 missing: stages.3.0.weight; 1 unexpected: classifier.weight", stderr);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void CreateRefusesACheckpointWhosePickleWouldRunCode()
    {
        var canary = _dir.File("canary");
        var pickle = new PickleWriter().Proto().Global("posix", "system").Mark().Str("touch " + canary).Tuple().Reduce().Stop().ToArray();
        var weights = _dir.File("evil.pth");
        TorchZipWriter.Write(weights, pickle);
        var output = _dir.File("evil.onnx");
        var (code, _, stderr) = CliProcess.RunExport("create", "--arch", "tiny3d", "--classes", "3", "--weights", weights, "--out", output);
        Assert.Equal(2, code);
        Assert.Contains($"{weights}: refused to load: the pickle asks for the global posix.system", stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(canary));
    }

    [Fact]
    public void ATruncatedCheckpointIsNamedInTheError()
    {
        var weights = WritePth("whole.pth", Parameters(ModelZoo.Build("tiny3d", new ZooOptions { Classes = 3 })));
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length - 100)]);
        var (code, _, stderr) = CliProcess.RunExport("create", "--arch", "tiny3d", "--classes", "3", "--weights", weights, "--out", _dir.File("t.onnx"));
        Assert.Equal(2, code);
        Assert.Contains($"{weights}: invalid PyTorch checkpoint: not a readable zip archive", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Theory]
    [InlineData("junk.pth", "invalid PyTorch checkpoint: neither a zip archive nor a pickle")]
    [InlineData("junk.weights", "invalid safetensors file: truncated")]
    public void AWeightsFileIsReadAsTheFormatItsNameOrContentSays(string name, string expected)
    {
        var weights = _dir.File(name);
        File.WriteAllBytes(weights, [1, 2, 3, 4, 5]);
        var (code, _, stderr) = CliProcess.RunExport("create", "--arch", "tiny3d", "--classes", "3", "--weights", weights, "--out", _dir.File("j.onnx"));
        Assert.Equal(2, code);
        Assert.Contains($"{weights}: {expected}", stderr);
    }

    [Fact]
    public void ACheckpointWithoutAKnownExtensionIsRecognisedByItsContent()
    {
        var source = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 2, Seed = 5 });
        var weights = WritePth("tiny3d.weights", Parameters(source));
        var output = _dir.File("c.onnx");
        var (code, _, stderr) = CliProcess.RunExport("create", "--arch", "tiny3d", "--classes", "2", "--weights", weights, "--out", output);
        Assert.True(code == 0, stderr);
        var fc = OnnxModelFile.Load(output).Graph.Initializer.Single(t => t.Name == "fc.weight");
        Assert.Equal(TensorProtos.ToFloats(source.Graph.Initializer.Single(t => t.Name == "fc.weight")), TensorProtos.ToFloats(fc));
    }

    [Fact]
    public void ACheckpointOfAnotherModelIsSaidToBeOne()
    {
        var weights = WritePth("other.pth", [("encoder.0.weight", [1f, 2f], [2]), ("decoder.bias", [3f], [1])]);
        var (code, _, stderr) = CliProcess.RunExport("create", "--arch", "tiny3d", "--classes", "3", "--weights", weights, "--out", _dir.File("o.onnx"));
        Assert.Equal(2, code);
        Assert.Contains("not one of its 2 keys is a parameter of tiny3d: is it a checkpoint of another architecture?", stderr);
        Assert.Contains("2 unexpected: decoder.bias, encoder.0.weight", stderr);
    }
}
