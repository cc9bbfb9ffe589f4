namespace OnnxVideo.Cli.Tests;

/// <summary>Labels from a model are untrusted: the human output of <c>classify</c> shows their control characters escaped.</summary>
[Collection(VideoCollection.Name)]
public sealed class ClassifyTerminalEscapeTests(VideoFixture videos)
{
    [Fact]
    public void LabelsWithTerminalEscapesArePrintedEscaped()
    {
        using var dir = new TempDirectory();
        var labels = Enumerable.Range(0, TinyVideoModel.Contract.Labels.Length).Select(i => $"\u001b]0;PWNED{i}\u0007\u001b[2J").ToArray();
        var model = TinyVideoModel.Write(dir.File("hostile.onnx"), TinyVideoModel.Contract with { Labels = labels });

        var (exit, stdout, stderr) = CliProcess.Run("classify", videos.Good[0], "--model", model);

        Assert.True(exit == 0, stderr);
        Assert.Contains("\\x1b]0;PWNED", stdout);
        Assert.DoesNotContain('\u001b', stdout);
        Assert.DoesNotContain('\u0007', stdout);
    }
}
