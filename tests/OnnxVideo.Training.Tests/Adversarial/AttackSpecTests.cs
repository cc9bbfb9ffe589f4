using OnnxVideo.Training.Adversarial;

namespace OnnxVideo.Training.Tests.Adversarial;

public sealed class AttackSpecTests
{
    [Fact]
    public void Parses_fgsm_and_pgd_specs()
    {
        Assert.Equal(new AttackSpec(AttackKind.Fgsm, 2f), AttackSpec.Parse("fgsm:eps=2"));
        Assert.Equal(new AttackSpec(AttackKind.Pgd, 4f, 3, 1f), AttackSpec.Parse("pgd:eps=4,steps=3,alpha=1"));
        Assert.Equal("pgd:eps=4,steps=3,alpha=1", AttackSpec.Parse("PGD: eps=4, steps=3, alpha=1").ToString());
    }

    [Theory]
    [InlineData("fgsm:eps=-1", "eps must be")]
    [InlineData("fgsm:eps=NaN", "eps must be")]
    [InlineData("fgsm:eps=300", "eps must be")]
    [InlineData("fgsm", "eps=E")]
    [InlineData("fgsm:eps", "is not one of")]
    [InlineData("fgsm:eps=two", "is not a number")]
    [InlineData("fgsm:eps=2,steps=3", "is not one of")]
    [InlineData("fgsm:eps=2,eps=3", "given twice")]
    [InlineData("cw:eps=2", "unknown attack")]
    [InlineData("pgd:eps=4,steps=0", "steps must be")]
    [InlineData("pgd:eps=4,steps=1.5", "steps must be")]
    [InlineData("pgd:eps=4,alpha=-1", "alpha must be")]
    public void Rejects_a_bad_spec_naming_the_flag_and_spec(string spec, string problem)
    {
        var error = Assert.Throws<AttackSpecException>(() => AttackSpec.Parse(spec, "--adversarial"));
        Assert.Equal($"--adversarial {spec}", error.Input);
        Assert.Contains(problem, error.Problem);
        Assert.IsAssignableFrom<UserInputException>(error);
    }
}
