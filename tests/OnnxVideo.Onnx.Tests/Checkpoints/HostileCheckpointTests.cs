using System.IO.Compression;
using OnnxVideo.Onnx.Checkpoints;

namespace OnnxVideo.Onnx.Tests.Checkpoints;

/// <summary>Hand-built checkpoints that break the format or the limits are refused with a typed error naming the file.</summary>
public sealed class HostileCheckpointTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Zip(byte[] pickle, Dictionary<string, byte[]>? storages = null)
    {
        var path = _dir.File($"{Guid.NewGuid():N}.pth");
        TorchZipWriter.Write(path, pickle, storages);
        return path;
    }

    private static byte[] OneTensor(string key, long storageElements, long offset, long[] size, long[] stride, string storageClass = "FloatStorage") =>
        new PickleWriter().Proto().Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Str("w").Tensor(storageClass, key, storageElements, offset, size, stride).Op('s').Stop().ToArray();

    private static TorchCheckpointException Malformed(string path) => Assert.Throws<TorchCheckpointException>(() => TorchCheckpointFile.Open(path));

    [Fact]
    public void AHandBuiltStateDictLoads()
    {
        // The control for the cases below: the same writer, nothing broken.
        var path = Zip(OneTensor("0", 6, 1, [2, 2], [1, 2]), new() { ["0"] = TorchZipWriter.Floats(0, 1, 2, 3, 4, 5) });
        using var checkpoint = TorchCheckpointFile.Open(path);
        Assert.Equal([1f, 3f, 2f, 4f], checkpoint.ReadFloats("w"));
    }

    [Theory]
    [InlineData("os", "system")]
    [InlineData("posix", "system")]
    [InlineData("builtins", "exec")]
    [InlineData("builtins", "getattr")]
    [InlineData("subprocess", "Popen")]
    [InlineData("torch", "load")]
    [InlineData("torch.nn.modules.conv", "Conv3d")]
    [InlineData("numpy.core.multiarray", "_reconstruct")]
    [InlineData("torch._utils", "_rebuild_qtensor")]
    [InlineData("collections", "namedtuple")]
    public void AGlobalOutsideTheAllowListIsRefused(string module, string name)
    {
        var pickle = new PickleWriter().Proto().Global(module, name).Mark().Str("touch " + _dir.File("canary")).Tuple().Reduce().Stop().ToArray();
        var path = Zip(pickle);
        var error = Assert.Throws<UnsafePickleException>(() => TorchCheckpointFile.Open(path));
        Assert.Equal($"{module}.{name}", error.Refused);
        Assert.Contains(path, error.Message);
        Assert.False(File.Exists(_dir.File("canary")));
    }

    [Fact]
    public void StackGlobalIsCheckedLikeGlobal()
    {
        var pickle = new PickleWriter().Proto(4).Str("os").Str("system").Byte(0x93).Stop().ToArray();
        Assert.Equal("os.system", Assert.Throws<UnsafePickleException>(() => TorchCheckpointFile.Open(Zip(pickle))).Refused);
    }

    public static TheoryData<string, byte[], string> RefusedOpcodes => new()
    {
        { "INST", new PickleWriter().Proto().Mark().Op('i').Byte((byte)'o').Byte((byte)'s').Byte(10).Byte((byte)'x').Byte(10).Stop().ToArray(), "INST" },
        { "OBJ", new PickleWriter().Proto().Mark().Global("collections", "OrderedDict").Op('o').Stop().ToArray(), "OBJ" },
        { "EXT1", new PickleWriter().Proto().Byte(0x82).Byte(1).Stop().ToArray(), "EXT1" },
        { "calling a storage class", new PickleWriter().Proto().Global("torch", "FloatStorage").Ints(4).Reduce().Stop().ToArray(), "torch.FloatStorage" },
        { "NEWOBJ of a storage class", new PickleWriter().Proto().Global("torch", "FloatStorage").EmptyTuple().Byte(0x81).Stop().ToArray(), "torch.FloatStorage" },
        { "BUILD on a tensor", new PickleWriter().Proto().Tensor("FloatStorage", "0", 1, 0, [1], [1]).Str("x").Op('b').Stop().ToArray(), "BUILD" },
    };

    [Theory]
    [MemberData(nameof(RefusedOpcodes))]
    public void OpcodesAStateDictDoesNotNeedAreRefusedByName(string caseName, byte[] pickle, string refused)
    {
        var error = Assert.Throws<UnsafePickleException>(() => TorchCheckpointFile.Open(Zip(pickle, new() { ["0"] = new byte[4] })));
        Assert.True(error.Refused == refused, $"{caseName}: refused {error.Refused}");
    }

    [Fact]
    public void AStorageDeclaringMoreElementsThanItsEntryHoldsIsRefused()
    {
        var path = Zip(OneTensor("0", 1L << 40, 0, [2], [1]), new() { ["0"] = TorchZipWriter.Floats(1, 2) });
        Assert.Contains("storage '0' declares 1099511627776 Float32 elements (4398046511104 bytes); its entry holds 8 bytes", Malformed(path).Message);
    }

    [Theory]
    [InlineData(0L, new long[] { 1000 }, new long[] { 1 }, "reaches element 999 of storage '0', which holds 2 elements")]
    [InlineData(5L, new long[] { 1 }, new long[] { 1 }, "reaches element 5 of storage '0'")]
    [InlineData(3L, new long[] { 0 }, new long[] { 1 }, "reaches element 2 of storage '0'")]
    [InlineData(0L, new long[] { 2, 2 }, new long[] { 1, 1 }, "reaches element 2 of storage '0'")]
    [InlineData(0L, new long[] { 1L << 62, 8 }, new long[] { 8, 1 }, "whose size overflows")]
    [InlineData(0L, new long[] { 2 }, new long[] { -1 }, "has a stride that is not a tuple")]
    [InlineData(0L, new long[] { 2 }, new long[] { 1, 1 }, "has 1 sizes but 2 strides")]
    public void AViewOutsideItsStorageIsRefused(long offset, long[] size, long[] stride, string expected)
    {
        var path = Zip(OneTensor("0", 2, offset, size, stride), new() { ["0"] = TorchZipWriter.Floats(1, 2) });
        var error = Malformed(path);
        Assert.Contains(expected, error.Message);
        Assert.StartsWith(path + ": invalid PyTorch checkpoint", error.Message);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("")]
    [InlineData("a/b")]
    public void AStorageKeyThatIsNotAPlainNameIsRefused(string key)
    {
        var path = Zip(OneTensor(key, 2, 0, [2], [1]));
        Assert.Contains("a storage key is not a short name", Malformed(path).Message);
    }

    [Fact]
    public void DeepNestingIsRefused()
    {
        var pickle = new PickleWriter().Proto();
        for (var i = 0; i < 100_000; i++)
        {
            pickle.Mark();
        }
        Assert.Contains("nest deeper than 256 levels", Malformed(Zip(pickle.Stop().ToArray())).Message);
    }

    [Fact]
    public void AStackPastItsCapIsRefused()
    {
        var pickle = new PickleWriter().Proto();
        for (var i = 0; i < 200; i++)
        {
            pickle.Op(']');
        }
        var path = Zip(pickle.Stop().ToArray());
        var error = Assert.Throws<TorchCheckpointException>(() => TorchCheckpointFile.Open(path, new TorchCheckpointLimits { MaxStackItems = 100 }));
        Assert.Contains("stack grows past 100 items", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 2, (byte)'h', 7, (byte)'.' }, "memo entry 7 read at byte 2 was never stored")]
    [InlineData(new byte[] { 0x80, 2, (byte)'N' }, "ends without STOP (truncated)")]
    [InlineData(new byte[] { 0x80, 2, (byte)'X', 0xff, 0xff, 0xff, 0x7f, (byte)'.' }, "runs past the end of the pickle")]
    [InlineData(new byte[] { 0x80, 2, (byte)'N', (byte)'N', (byte)'.' }, "STOP at byte 4 with 2 values")]
    [InlineData(new byte[] { 0x80, 2, (byte)'a', (byte)'.' }, "stack underflow")]
    [InlineData(new byte[] { 0x80, 2, 0xfe, (byte)'.' }, "unknown pickle opcode 0xfe at byte 2")]
    [InlineData(new byte[] { 0x80, 2, (byte)'N', (byte)'.' }, "holds a None, not a state dict")]
    public void AMalformedPickleIsRefused(byte[] pickle, string expected) =>
        Assert.Contains(expected, Malformed(Zip(pickle)).Message);

    [Fact]
    public void ATruncatedZipIsRefused()
    {
        var whole = Zip(PickleWriter.StateDict(("w", "0", [64])), new() { ["0"] = new byte[256] });
        var bytes = File.ReadAllBytes(whole);
        var path = _dir.File("truncated.pth");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.Contains("not a readable zip archive", Malformed(path).Message);
    }

    [Fact]
    public void AZipBombStorageIsRefusedBeforeItIsInflated()
    {
        const int elements = 4 << 20;
        var path = _dir.File("bomb.pth");
        TorchZipWriter.WriteEntries(path, CompressionLevel.SmallestSize,
            [("archive/data.pkl", PickleWriter.StateDict(("w", "0", [elements]))), ("archive/data/0", new byte[4 * elements])]);
        Assert.True(new FileInfo(path).Length < elements / 100);
        using var checkpoint = TorchCheckpointFile.Open(path);
        var error = Assert.Throws<TorchCheckpointException>(() => checkpoint.ReadFloats("w"));
        Assert.Contains("entry archive/data/0 would inflate", error.Message);
        Assert.Contains("zip bomb", error.Message);
    }

    [Fact]
    public void AZipBombPickleIsRefusedBeforeItIsInflated()
    {
        var path = _dir.File("bomb.pth");
        TorchZipWriter.WriteEntries(path, CompressionLevel.SmallestSize, [("archive/data.pkl", new byte[32 << 20])]);
        Assert.Contains("entry archive/data.pkl would inflate", Malformed(path).Message);
    }

    [Theory]
    [InlineData("archive/../../evil.sh", "escapes its folder")]
    [InlineData("/etc/cron.d/evil", "is empty or absolute")]
    [InlineData("archive\\..\\evil", "contains a backslash")]
    [InlineData("archive/data.pkl", "appears twice")]
    public void AnEntryNameThatEscapesOrRepeatsIsRefused(string name, string expected)
    {
        var path = _dir.File("names.pth");
        TorchZipWriter.WriteEntries(path, CompressionLevel.NoCompression,
            [("archive/data.pkl", PickleWriter.StateDict(("w", "0", [1]))), ("archive/data/0", new byte[4]), (name, "x"u8.ToArray())]);
        Assert.Contains($"'{name}' {expected}", Malformed(path).Message);
    }

    [Fact]
    public void AMissingStorageEntryIsNamed()
    {
        var path = Zip(PickleWriter.StateDict(("w", "7", [3])));
        Assert.Contains("storage '7' has no entry archive/data/7", Malformed(path).Message);
    }

    [Fact]
    public void AFileThatIsNeitherZipNorPickleIsRefused()
    {
        var path = _dir.File("junk.pth");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);
        Assert.Contains("neither a zip archive nor a pickle", Malformed(path).Message);
    }

    [Theory]
    [InlineData("little", null)]
    [InlineData("big", "byte order 'big' is not supported")]
    public void OnlyLittleEndianCheckpointsAreRead(string order, string? expected)
    {
        var path = _dir.File(order + ".pth");
        TorchZipWriter.WriteEntries(path, CompressionLevel.NoCompression,
            [("archive/data.pkl", PickleWriter.StateDict(("w", "0", [1]))), ("archive/byteorder", System.Text.Encoding.ASCII.GetBytes(order)), ("archive/data/0", TorchZipWriter.Floats(7))]);
        if (expected is null)
        {
            using var checkpoint = TorchCheckpointFile.Open(path);
            Assert.Equal([7f], checkpoint.ReadFloats("w"));
        }
        else
        {
            Assert.Contains(expected, Malformed(path).Message);
        }
    }

    [Fact]
    public void APickleOverTheSizeLimitIsRefusedUnread()
    {
        var path = Zip(PickleWriter.StateDict(("w", "0", [1])), new() { ["0"] = new byte[4] });
        var error = Assert.Throws<TorchCheckpointException>(() => TorchCheckpointFile.Open(path, new TorchCheckpointLimits { MaxPickleBytes = 32 }));
        Assert.Contains("more than the 32-byte limit", error.Message);
    }

    [Fact]
    public void AnArchiveWithTooManyEntriesIsRefused()
    {
        var path = Zip(PickleWriter.StateDict(("w", "0", [1])), new() { ["0"] = new byte[4] });
        var error = Assert.Throws<TorchCheckpointException>(() => TorchCheckpointFile.Open(path, new TorchCheckpointLimits { MaxZipEntries = 2 }));
        Assert.Contains("the archive has 3 entries, more than the 2 allowed", error.Message);
    }

    [Fact]
    public void AnEntryThatInflatesPastItsDeclaredSizeYieldsOnlyTheDeclaredBytes()
    {
        var path = _dir.File("liar.pth");
        var pickle = PickleWriter.StateDict(("w", "0", [256]));
        TorchZipWriter.WriteEntries(path, CompressionLevel.SmallestSize, [("archive/data.pkl", pickle), ("archive/data/0", new byte[4 << 20])]);
        // Both headers of data/0 claim the 1 KiB the pickle declares; the entry inflates to 4 MiB.
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(2, PatchUncompressedSize(bytes, "archive/data/0", 1024));
        File.WriteAllBytes(path, bytes);
        using var checkpoint = TorchCheckpointFile.Open(path);
        // Inflation stops at the declared size (ZipArchive's stream ends there; the reader would refuse any byte more).
        Assert.Equal(256, checkpoint.ReadFloats("w").Length);
    }

    /// <summary>Overwrites the uncompressed size of <paramref name="entry"/> in its local and central headers; returns how many were patched.</summary>
    private static int PatchUncompressedSize(byte[] zip, string entry, uint size)
    {
        var name = System.Text.Encoding.ASCII.GetBytes(entry);
        var patched = 0;
        for (var i = 0; i + 46 < zip.Length; i++)
        {
            var signature = BitConverter.ToUInt32(zip, i);
            var (sizeOffset, nameOffset) = signature switch { 0x04034b50u => (22, 30), 0x02014b50u => (24, 46), _ => (-1, -1) };
            if (sizeOffset > 0 && zip.AsSpan(i + nameOffset).StartsWith(name))
            {
                BitConverter.TryWriteBytes(zip.AsSpan(i + sizeOffset, 4), size);
                patched++;
            }
        }
        return patched;
    }

    [Theory]
    [InlineData(new byte[] { (byte)'P', (byte)'K', 3, 4, 20, 0, 0, 0, 0 }, true)]
    [InlineData(new byte[] { 0x80, 2, 0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9 }, true)]
    [InlineData(new byte[] { 0x80, 4, 0x95, 1, 0, 0, 0, 0, 0 }, true)]
    // A safetensors file with a header of 128 bytes starts with 0x80 too; its JSON at byte 8 tells it apart.
    [InlineData(new byte[] { 0x80, 0, 0, 0, 0, 0, 0, 0, (byte)'{' }, false)]
    [InlineData(new byte[] { 0x80, 2, 0, 0, 0, 0, 0, 0, (byte)'{' }, false)]
    [InlineData(new byte[] { 0x80, 9, 0, 0, 0, 0, 0, 0, 0 }, false)]
    [InlineData(new byte[] { 1, 2, 3 }, false)]
    public void ACheckpointIsToldFromSafetensorsByItsFirstBytes(byte[] head, bool checkpoint) =>
        Assert.Equal(checkpoint, TorchCheckpointFile.LooksLikeCheckpoint(head));
}
