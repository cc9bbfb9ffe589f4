namespace OnnxVideo.Ort.Tests;

public sealed class SessionBasicsTests
{
    [Fact]
    public void LoadsApiVersion30Library()
    {
        Assert.StartsWith("1.", OrtLibrary.Version);
        Assert.True(new Version(OrtLibrary.Version) >= new Version(1, 30), OrtLibrary.Version);
        Assert.Contains("ORT Build Info", OrtLibrary.BuildInfo, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("CPUExecutionProvider", OrtLibrary.GetCompiledProviders());
    }

    [Fact]
    public void RunsAddOverCallerMemory()
    {
        using var session = new OrtSession(TestModels.Add());
        float[] a = [1, 2, 3, 4];
        float[] b = [10, 20, 30, 40.5f];
        using var av = OrtValue.CreateTensor(a, 1, 4);
        using var bv = OrtValue.CreateTensor(b, 1, 4);
        var outputs = session.Run(["a", "b"], [av, bv]);
        using var sum = outputs[0];
        Assert.Equal(new float[] { 11, 22, 33, 44.5f }, sum.ToArray<float>());
        Assert.Equal(new long[] { 1, 4 }, sum.Shape);
    }

    [Fact]
    public void ProfilingWritesATraceOfTheNodesRunWhenTheSessionIsDisposed()
    {
        using var dir = new TempDirectory();
        var prefix = dir.File("trace");
        using (var session = new OrtSession(TestModels.Add(), new OrtSessionOptions { ProfileFilePrefix = prefix }))
        {
            using var a = OrtValue.CreateTensor(new float[] { 1, 2, 3, 4 }, 1, 4);
            using var b = OrtValue.CreateTensor(new float[] { 1, 2, 3, 4 }, 1, 4);
            session.Run(["a", "b"], [a, b])[0].Dispose();
        }
        var trace = Assert.Single(Directory.GetFiles(dir.Path, "trace*.json"));
        var events = System.Text.Json.JsonDocument.Parse(File.ReadAllText(trace)).RootElement;
        Assert.Contains(events.EnumerateArray(), e => e.GetProperty("cat").GetString() == "Node"
            && e.GetProperty("args").TryGetProperty("op_name", out var op) && op.GetString() == "Add");
    }
}
