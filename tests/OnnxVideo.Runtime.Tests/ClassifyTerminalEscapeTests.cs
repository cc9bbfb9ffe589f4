using System.Diagnostics;

namespace OnnxVideo.Runtime.Tests;

/// <summary>Labels from a model are untrusted: the human output of <c>classify</c> shows their control characters escaped.</summary>
[Collection(VideoCollection.Name)]
public sealed class ClassifyTerminalEscapeTests(VideoFixture videos)
{
    [Fact]
    public async Task LabelsWithTerminalEscapesArePrintedEscaped()
    {
        using var dir = new TempDirectory();
        var labels = Enumerable.Range(0, TinyVideoModel.Contract.Labels.Length).Select(i => $"\u001b]0;PWNED{i}\u0007\u001b[2J").ToArray();
        var model = TinyVideoModel.Write(dir.File("hostile.onnx"), TinyVideoModel.Contract with { Labels = labels });

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "onnxvideo.dll"), "classify", videos.Good[0], "--model", model })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "classify did not finish");

        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Contains("\\x1b]0;PWNED", stdout);
        Assert.DoesNotContain('\u001b', stdout);
        Assert.DoesNotContain('\u0007', stdout);
    }
}
