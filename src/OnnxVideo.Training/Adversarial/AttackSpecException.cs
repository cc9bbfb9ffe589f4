namespace OnnxVideo.Training.Adversarial;

/// <summary>An attack spec (<c>--attack</c>, <c>--adversarial</c>) that cannot be used; <see cref="UserInputException.Input"/> names the flag and spec.</summary>
public sealed class AttackSpecException(string input, string problem) : UserInputException(input, problem);
