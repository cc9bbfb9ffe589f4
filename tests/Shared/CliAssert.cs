using Xunit;

namespace OnnxVideo.Testing;

/// <summary>How a CLI refuses bad input: exit code 2, one "error: " message naming it, no stack trace.</summary>
public static class CliAssert
{
    public static void UserError((int ExitCode, string Stdout, string Stderr) result, params string[] named)
    {
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Stderr}");
        Assert.StartsWith("error: ", result.Stderr);
        foreach (var text in named)
        {
            Assert.Contains(text, result.Stderr);
        }
        Assert.DoesNotContain("   at ", result.Stderr);
    }
}
