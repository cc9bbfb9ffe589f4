using OnnxVideo.Onnx.Checkpoints;

namespace OnnxVideo.Onnx.Tests.Checkpoints;

/// <summary>Checkpoints written by PyTorch's torch.save read back with PyTorch's values; code-running pickles are refused.</summary>
public sealed class TorchCheckpointFileTests(TorchCheckpointFixture torch) : IClassFixture<TorchCheckpointFixture>
{
    [Theory]
    [InlineData("zip.pth", false)]
    [InlineData("legacy.pth", true)]
    [InlineData("zip-p4.pth", false)]
    [InlineData("legacy-p4.pth", true)]
    public void EveryTensorHasTorchsShapeAndValues(string file, bool legacy)
    {
        using var checkpoint = TorchCheckpointFile.Open(torch.File(file));
        Assert.Equal(legacy, checkpoint.IsLegacyFormat);
        var shapes = torch.Shapes();
        Assert.Equal(shapes.Keys, checkpoint.Tensors.Select(t => t.Name));
        foreach (var (name, shape) in shapes)
        {
            Assert.True(checkpoint.TryGetInfo(name, out var info), name);
            Assert.Equal(shape, info.Shape);
            var expected = torch.Values(name);
            Assert.Equal(expected, checkpoint.ReadFloats(name));
        }
        // Guard against a vacuous comparison: the values are random, not zeros.
        Assert.True(torch.Values("conv.weight").Distinct().Count() > 40);
    }

    [Theory]
    [InlineData("half", TorchDType.Float16)]
    [InlineData("bf16", TorchDType.BFloat16)]
    [InlineData("double", TorchDType.Float64)]
    [InlineData("count", TorchDType.Int64)]
    [InlineData("conv.weight", TorchDType.Float32)]
    public void StorageTypesGiveTheirDTypes(string name, TorchDType dtype)
    {
        using var checkpoint = TorchCheckpointFile.Open(torch.File("zip.pth"));
        Assert.True(checkpoint.TryGetInfo(name, out var info));
        Assert.Equal(dtype, info.DType);
    }

    [Fact]
    public void ATrainingCheckpointYieldsItsNestedStateDict()
    {
        using var checkpoint = TorchCheckpointFile.Open(torch.File("wrapped.pth"));
        Assert.Equal(torch.Shapes().Keys.Select(k => "module." + k), checkpoint.Tensors.Select(t => t.Name));
        Assert.Equal(torch.Values("slice"), checkpoint.ReadFloats("module.slice"));
    }

    [Theory]
    [InlineData("hostile-system-p2.pth", "posix.system")]
    [InlineData("hostile-system-p4.pth", "posix.system")]
    [InlineData("hostile-eval-p2.pth", "__builtin__.eval")]
    [InlineData("hostile-eval-p4.pth", "builtins.eval")]
    [InlineData("hostile-popen-p2.pth", "commands.Popen")]
    [InlineData("hostile-popen-p4.pth", "subprocess.Popen")]
    [InlineData("hostile-system-legacy.pth", "posix.system")]
    [InlineData("hostile-hidden.pth", "posix.system")]
    public void PicklesThatWouldRunCodeAreRefusedAndRunNothing(string file, string global)
    {
        // (Protocol 2 writes Python 2 names: __builtin__.eval, commands.Popen.)
        // Python's own pickle ran the same payload into another file: the payloads do run code when unpickled.
        Assert.True(File.Exists(torch.File("control-canary")));
        var path = torch.File(file);
        var error = Assert.Throws<UnsafePickleException>(() => TorchCheckpointFile.Open(path));
        Assert.Equal(global, error.Refused);
        Assert.StartsWith(path + ": refused to load", error.Message);
        Assert.Contains(global, error.Message);
        Assert.IsAssignableFrom<UserInputException>(error);
        Assert.False(File.Exists(torch.Canary));
    }

    [Theory]
    [InlineData("legacy.pth", "truncated: storage")]
    [InlineData("zip.pth", "not a readable zip archive")]
    public void ATruncatedTorchCheckpointIsRefused(string file, string expected)
    {
        var bytes = File.ReadAllBytes(torch.File(file));
        using var dir = new TempDirectory();
        var path = dir.File(file);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]);
        var error = Assert.Throws<TorchCheckpointException>(() => TorchCheckpointFile.Open(path));
        Assert.StartsWith(path + ": invalid PyTorch checkpoint: " + expected, error.Message);
    }

    [Theory]
    [InlineData("zip.pth")]
    [InlineData("legacy.pth")]
    public void ACorruptedCheckpointLoadsOrFailsWithATypedError(string file)
    {
        var original = File.ReadAllBytes(torch.File(file));
        using var dir = new TempDirectory();
        var random = new Random(14);
        var (loaded, refused) = (0, 0);
        for (var round = 0; round < 200; round++)
        {
            var bytes = (byte[])original.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }
            var path = dir.File($"{round}.pth");
            File.WriteAllBytes(path, bytes);
            try
            {
                using var checkpoint = TorchCheckpointFile.Open(path);
                foreach (var tensor in checkpoint.Tensors)
                {
                    Assert.Equal(tensor.ElementCount, checkpoint.ReadFloats(tensor.Name).Length);
                }
                loaded++;
            }
            catch (UserInputException e)
            {
                Assert.Contains(path, e.Message);
                refused++;
            }
        }
        // Both outcomes occur: the mutations hit data as well as structure.
        Assert.True(loaded > 0 && refused > 0, $"{loaded} loaded, {refused} refused");
    }
}
