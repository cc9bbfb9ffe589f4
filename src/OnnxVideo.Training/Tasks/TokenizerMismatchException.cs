namespace OnnxVideo.Training.Tasks;

/// <summary>A tokenizer whose vocabulary is not the one the caption model was built for.</summary>
internal sealed class TokenizerMismatchException(string tokenizerPath, int tokenizerVocabulary, int modelVocabulary)
    : UserInputException(tokenizerPath, $"the tokenizer has a vocabulary of {tokenizerVocabulary} ids but the model predicts {modelVocabulary}: "
        + "it is not the tokenizer the model was trained with");
