namespace OnnxVideo.Cli.Tests;

/// <summary><c>train</c>'s mixup, CutMix and EMA flags: bad values are one clear error naming the flag, exit code 2.</summary>
public sealed class TrainRegularisationFlagsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("--mixup", "-0.2", "--mixup must be >= 0")]
    [InlineData("--mixup", "NaN", "--mixup must be >= 0")]
    [InlineData("--cutmix", "Infinity", "--cutmix must be a finite number")]
    [InlineData("--cutmix", "-1", "--cutmix must be >= 0")]
    [InlineData("--mix-prob", "1.5", "--mix-prob must be in [0, 1]")]
    [InlineData("--mix-prob", "NaN", "--mix-prob must be in [0, 1]")]
    [InlineData("--mix-switch-prob", "-0.1", "--mix-switch-prob must be in [0, 1]")]
    [InlineData("--ema", "1", "--ema must be in (0, 1)")]
    [InlineData("--ema", "0", "--ema must be in (0, 1)")]
    [InlineData("--ema", "NaN", "--ema must be in (0, 1)")]
    public void BadValueExitsTwoNamingTheFlag(string flag, string value, string message)
    {
        var result = CliProcess.Run("train", "--package", _dir.File("pkg"), "--train", _dir.File("clips"), "--out", _dir.File("run"), flag, value);

        Assert.True(result.ExitCode == 2, result.Stderr);
        Assert.Contains(message, result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.False(Directory.Exists(_dir.File("run")));
    }
}
