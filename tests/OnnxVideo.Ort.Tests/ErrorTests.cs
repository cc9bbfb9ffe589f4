namespace OnnxVideo.Ort.Tests;

public sealed class ErrorTests
{
    [Fact]
    public void WrongInputShapeSurfacesOrtsMessage()
    {
        using var session = new OrtSession(TestModels.Add());
        using var wrong = OrtValue.CreateTensor(new float[6], 2, 3);
        using var right = OrtValue.CreateTensor(new float[4], 1, 4);
        var error = Assert.Throws<OrtException>(() => session.Run(["a", "b"], [wrong, right]));
        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Contains("dimensions", error.OrtMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Expected: 1", error.OrtMessage);
        Assert.Contains(error.OrtMessage, error.Message);
    }

    [Fact]
    public void WrongElementTypeSurfacesOrtsMessage()
    {
        using var session = new OrtSession(TestModels.Add());
        using var wrong = OrtValue.CreateTensor(new double[4], 1, 4);
        using var right = OrtValue.CreateTensor(new float[4], 1, 4);
        var error = Assert.Throws<OrtException>(() => session.Run(["a", "b"], [wrong, right]));
        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Contains("type", error.OrtMessage, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void UnknownInputNameIsRejectedBeforeOrt()
    {
        using var session = new OrtSession(TestModels.Add());
        using var a = OrtValue.CreateTensor(new float[4], 1, 4);
        var error = Assert.Throws<ArgumentException>(() => session.Run(["a", "nope"], [a, a]));
        Assert.Contains("no input named 'nope'", error.Message);
    }

    [Fact]
    public void TruncatedModelGivesTypedError()
    {
        var bytes = TestModels.Add();
        for (var length = 0; length < bytes.Length; length += Math.Max(1, bytes.Length / 16))
        {
            var truncated = bytes.AsSpan(0, length).ToArray();
            var error = Record.Exception(() => new OrtSession(truncated, sourceName: "truncated.onnx").Dispose());
            var ortError = Assert.IsType<OrtException>(error);
            Assert.Contains("truncated.onnx", ortError.Message);
        }
    }

    [Fact]
    public void RandomBytesGiveTypedError()
    {
        var random = new Random(41);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var bytes = new byte[random.Next(1, 4096)];
            random.NextBytes(bytes);
            Assert.IsType<OrtException>(Record.Exception(() => new OrtSession(bytes).Dispose()));
        }
    }

    [Fact]
    public void MalformedFileOnDiskNamesTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"onnxvideo-ort-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, TestModels.Add().AsSpan(0, 20).ToArray());
        try
        {
            var error = Assert.Throws<OrtException>(() => new OrtSession(path));
            Assert.Contains(path, error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MissingFileGivesTypedError()
    {
        var path = Path.Combine(Path.GetTempPath(), $"onnxvideo-ort-missing-{Guid.NewGuid():N}.onnx");
        var error = Assert.Throws<OrtException>(() => new OrtSession(path));
        Assert.Equal(OrtErrorCode.NoSuchFile, error.ErrorCode);
        Assert.Contains(path, error.Message);
    }
}
