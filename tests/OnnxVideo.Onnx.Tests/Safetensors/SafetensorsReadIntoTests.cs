using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Onnx.Tests.Safetensors;

/// <summary><see cref="SafetensorsFile.ReadInto"/>: the mapped file's floats copied straight into a caller's buffer.</summary>
public sealed class SafetensorsReadIntoTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write()
    {
        var path = _dir.File("weights.safetensors");
        SafetensorsWriter.WriteFile(path,
        [
            SafetensorsTensor.FromFloats("a", [1f, -2.5f, 3f, 1e-30f, float.MaxValue, -0f], [2, 3]),
            SafetensorsTensor.FromFloats("b", [7f, 8f], [2]),
            SafetensorsTensor.FromFloats("empty", [], [0, 4]),
        ]);
        return path;
    }

    [Fact]
    public void CopiesEachTensorsOwnValues()
    {
        using var file = SafetensorsFile.Open(Write());
        var a = new float[6];
        var b = new float[2];
        file.ReadInto("a", a);
        file.ReadInto("b", b);
        Assert.Equal([1f, -2.5f, 3f, 1e-30f, float.MaxValue, -0f], a);
        Assert.Equal([7f, 8f], b);
        file.ReadInto("empty", Span<float>.Empty);
    }

    [Fact]
    public void RefusesADestinationOfAnotherLengthAndLeavesItUntouched()
    {
        using var file = SafetensorsFile.Open(Write());
        var tooShort = new float[5];
        var e = Assert.Throws<InvalidOperationException>(() => file.ReadInto("a", tooShort));
        Assert.Contains("'a'", e.Message);
        Assert.All(tooShort, v => Assert.Equal(0f, v));
        Assert.Throws<KeyNotFoundException>(() => file.ReadInto("missing", new float[1]));
    }
}
