namespace OnnxVideo.Training.FewShot;

/// <summary>A support set, model or episode setting that few-shot learning cannot use; <see cref="UserInputException.Input"/> names it.</summary>
public sealed class FewShotException(string input, string problem, Exception? inner = null) : UserInputException(input, problem, inner);
